#pragma once
// The pay-in store's commands and replies as plain data: what the store
// actor (messages/payin/store_protocol.hpp) carries and what the SQL layer
// (persistence/payin/) reads and writes. No CAF here: the SQL layer depends
// on these records, not on the actor interfaces.

#include <cstdint>
#include <string>
#include <vector>

#include "domain/cluster/cluster_view.hpp"
#include "domain/cluster/ownership.hpp"
#include "domain/common/money.hpp"
#include "domain/ledger/ledger_postings.hpp"
#include "domain/payin/records.hpp"

namespace pay {

enum class insert_outcome : std::uint8_t {
  created = 0,
  duplicate_same_body = 1,   // same checkout_id, same request: nothing new
  checkout_id_conflict = 2,  // same checkout_id, different request
  order_id_conflict = 3,     // a payment_order_id belongs to another request
};

struct insert_checkout {
  new_checkout checkout;
  // A risk decision known before any fact is read (no rule configured: allow),
  // stored with the checkout so no separate write records it. Empty: the
  // risk actor decides later.
  std::string risk_verdict;
  std::string risk_rules_json;
  // With the decision known to allow, the orders are stored EXECUTING (with
  // their history row): the move that comes before the PSP call is made by
  // the insert, not by one more write per order.
  bool start_executing = false;
  std::string correlation_id;  // for the history rows
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, insert_checkout& x) {
  return f(x.checkout, x.risk_verdict, x.risk_rules_json, x.start_executing,
           x.correlation_id);
}

struct insert_checkout_reply {
  insert_outcome outcome = insert_outcome::created;
  std::string conflicting_order_id;
  checkout_view view;  // the stored checkout (created or pre-existing)
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        insert_checkout_reply& x) {
  return f(x.outcome, x.conflicting_order_id, x.view);
}

// Compare-and-set on (status, version): applied only when the row is still
// where the actor believes it is.
struct transition_order {
  domain::payment_order_id id;
  domain::order_status from = domain::order_status::not_started;
  domain::order_status to = domain::order_status::not_started;
  std::int32_t expected_version = 0;
  bool count_attempt = false;
  std::string psp_reference;
  std::string failure_code;
  std::string failure_message;
  std::string event;  // recorded in the order's history
  std::string correlation_id;
  std::string psp_session_id;  // hosted page registration, kept once set
  std::string redirect_url;
  // A move to SUCCESS books the pay-in in the same statement: the wallet
  // credit and this balanced ledger transaction. Empty for any other move.
  std::vector<domain::posting> payin_postings;
  std::string card_assessment_json;   // empty: keep what is stored
  std::int64_t authorized_minor = 0;  // 0: keep what is stored
  // > 0: the order waits in the database (authorized until fulfilment, or
  // held for review) until its authorization is due to be voided.
  std::int64_t hold_ms = 0;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, transition_order& x) {
  return f(x.id, x.from, x.to, x.expected_version, x.count_attempt,
           x.psp_reference, x.failure_code, x.failure_message, x.event,
           x.correlation_id, x.psp_session_id, x.redirect_url, x.payin_postings,
           x.card_assessment_json, x.authorized_minor, x.hold_ms);
}

// One PSP attempt that did not move the order (transient, unknown
// outcome): persisted so a restart keeps the retry budget and history.
// (A processing answer moves the order to PENDING instead.)
struct record_attempt {
  domain::payment_order_id id;
  std::string outcome;  // charge_kind as text
  std::string error;
  std::uint32_t next_attempt_in_ms = 0;
  bool maybe_charged = false;
  std::string psp_reference;
  std::string correlation_id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, record_attempt& x) {
  return f(x.id, x.outcome, x.error, x.next_attempt_in_ms, x.maybe_charged,
           x.psp_reference, x.correlation_id);
}

struct transition_reply {
  bool applied = false;
  order_view current;  // the row after the attempt, applied or not
  // The move completed its checkout: every order SUCCESS and booked, and
  // the checkout marked done by the same write.
  bool checkout_done = false;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, transition_reply& x) {
  return f(x.applied, x.current, x.checkout_done);
}

struct credit_wallet_cmd {
  domain::payment_order_id id;
  domain::seller_account seller;
  std::string currency;
  std::int64_t amount_minor = 0;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, credit_wallet_cmd& x) {
  return f(x.id, x.seller, x.currency, x.amount_minor);
}

struct write_ledger_cmd {
  domain::payment_order_id id;
  std::vector<domain::posting> postings;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, write_ledger_cmd& x) {
  return f(x.id, x.postings);
}

// Answer to an idempotent step: applied_now is false when an earlier attempt
// had already done it (the unique constraint said so) or, for
// record_attempt, when the order is no longer this actor's to drive (final,
// or dead-lettered by someone else).
struct step_reply {
  bool applied_now = false;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, step_reply& x) {
  return f(x.applied_now);
}

struct mark_checkout_done {
  domain::checkout_id id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, mark_checkout_done& x) {
  return f(x.id);
}

struct load_checkout {
  domain::checkout_id id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, load_checkout& x) {
  return f(x.id);
}

struct checkout_lookup {
  bool found = false;
  checkout_view view;
  std::string psp_token;  // needed to resume its orders after a restart
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, checkout_lookup& x) {
  return f(x.found, x.view, x.psp_token);
}

struct load_order {
  domain::payment_order_id id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, load_order& x) {
  return f(x.id);
}

struct order_lookup {
  bool found = false;
  order_view view;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, order_lookup& x) {
  return f(x.found, x.view);
}

// In a cluster: who owns a checkout, named by its id or by one of its
// orders' ids (checkout_id empty).
struct load_owner {
  std::string checkout_id;
  std::string order_id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, load_owner& x) {
  return f(x.checkout_id, x.order_id);
}

struct owner_lookup {
  bool found = false;
  domain::checkout_id checkout;
  domain::owner_info owner;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, owner_lookup& x) {
  return f(x.found, x.checkout, x.owner);
}

// In a cluster: make this node's incarnation the checkout's owner when its
// owner is dead (or none), after the dead owner's writes in flight ended.
// A checkout a live node owns stays its: the reply names that node.
struct claim_checkout {
  domain::checkout_id id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, claim_checkout& x) {
  return f(x.id);
}

struct checkout_claim {
  bool found = false;
  bool mine = false;         // owned by this incarnation now
  domain::owner_info owner;  // when not mine: who owns it
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, checkout_claim& x) {
  return f(x.found, x.mine, x.owner);
}

// Checkouts with at least one order not yet finished (status not terminal,
// or SUCCESS with wallet/ledger steps outstanding): what recovery resumes.
struct load_unfinished_checkouts {
  std::uint32_t limit = 0;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        load_unfinished_checkouts& x) {
  return f(x.limit);
}

struct unfinished_checkouts {
  std::vector<domain::checkout_id> ids;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, unfinished_checkouts& x) {
  return f(x.ids);
}

// --- passivation -------------------------------------------------------------
// A PENDING order leaves memory until `wake_in_ms` from now (its next PSP
// poll); the poll waker brings it back then. Not applied when the row is no
// longer PENDING (it moved meanwhile: the actor resyncs).
struct passivate_order {
  domain::payment_order_id id;
  std::uint32_t wake_in_ms = 0;
  std::int32_t pending_polls = 0;  // the backoff, for when it wakes
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, passivate_order& x) {
  return f(x.id, x.wake_in_ms, x.pending_polls);
}

// Takes up to `limit` passivated orders whose poll is due off the waker's
// queue (each taken once, even with several nodes asking) and answers their
// checkouts, to be resumed.
struct claim_due_polls {
  std::uint32_t limit = 1000;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, claim_due_polls& x) {
  return f(x.limit);
}

struct due_polls {
  std::vector<domain::checkout_id> checkouts;  // distinct
  std::uint32_t orders = 0;  // claimed: `limit` means more may be due
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, due_polls& x) {
  return f(x.checkouts, x.orders);
}

// --- dead-letter queue ----------------------------------------------------
struct escalate_order {
  domain::payment_order_id id;
  std::string reason;  // retry_budget_exhausted, crash_loop, stuck, ...
  std::string last_error;
  std::int32_t attempts = 0;
  std::string correlation_id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, escalate_order& x) {
  return f(x.id, x.reason, x.last_error, x.attempts, x.correlation_id);
}

// Newest first, a page at a time: after the (last_seen_at, id) of the last
// entry of the page before (-1: from the start).
struct list_dead_letters {
  std::string status;  // empty: all
  std::uint32_t limit = 100;
  std::int64_t after_seen_us = -1;
  std::string after_id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, list_dead_letters& x) {
  return f(x.status, x.limit, x.after_seen_us, x.after_id);
}

struct dead_letters {
  std::vector<dead_letter_view> entries;
  bool has_more = false;
  std::int64_t last_seen_us = 0;  // of the last entry: the next cursor
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, dead_letters& x) {
  return f(x.entries, x.has_more, x.last_seen_us);
}

enum class operator_outcome : std::uint8_t {
  applied = 0,
  not_found = 1,  // no such dead letter
  not_open = 2,   // already requeued or resolved
};

// Back to a live actor with a fresh retry budget (same PSP idempotency key).
struct requeue_dead_letter {
  domain::payment_order_id id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, requeue_dead_letter& x) {
  return f(x.id);
}

// Marks the order FAILED with the operator's reason.
struct resolve_dead_letter {
  domain::payment_order_id id;
  std::string reason;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, resolve_dead_letter& x) {
  return f(x.id, x.reason);
}

struct operator_reply {
  operator_outcome outcome = operator_outcome::not_found;
  dead_letter_view entry;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, operator_reply& x) {
  return f(x.outcome, x.entry);
}

// --- watchdog --------------------------------------------------------------
struct find_stuck_orders {
  std::uint32_t stuck_after_ms = 0;
  std::uint32_t limit = 100;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, find_stuck_orders& x) {
  return f(x.stuck_after_ms, x.limit);
}

struct stuck_orders {
  std::vector<order_view> orders;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stuck_orders& x) {
  return f(x.orders);
}

// --- operators ---------------------------------------------------------------
struct history_entry {
  std::int64_t seq = 0;
  std::string at;  // RFC 3339, UTC
  domain::order_status from = domain::order_status::not_started;
  domain::order_status to = domain::order_status::not_started;
  std::string event;
  std::int32_t attempt = 0;
  std::string outcome;  // empty: none recorded
  std::string error;
  std::string correlation_id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, history_entry& x) {
  return f(x.seq, x.at, x.from, x.to, x.event, x.attempt, x.outcome, x.error,
           x.correlation_id);
}

// An order's row and its whole history, read in one transaction.
struct load_order_record {
  domain::payment_order_id id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, load_order_record& x) {
  return f(x.id);
}

struct order_record {
  bool found = false;
  order_view view;
  std::vector<history_entry> history;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, order_record& x) {
  return f(x.found, x.view, x.history);
}

// Keyset pagination over (updated_at, payment_order_id), oldest first: the
// orders that stopped moving longest ago come first.
struct list_orders {
  std::vector<domain::order_status> statuses;  // empty: every status
  std::int64_t older_than_s = 0;       // not updated for at least this long
  std::int64_t after_updated_us = -1;  // cursor; -1: from the start
  std::string after_id;
  std::uint32_t limit = 50;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, list_orders& x) {
  return f(x.statuses, x.older_than_s, x.after_updated_us, x.after_id, x.limit);
}

struct order_page {
  std::vector<order_view> orders;
  bool has_more = false;
  std::int64_t last_updated_us = 0;  // of the last order: the next cursor
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, order_page& x) {
  return f(x.orders, x.has_more, x.last_updated_us);
}

// A verified PSP webhook, remembered by its event id.
struct record_webhook_event {
  std::string event_id;
  std::string type;
  std::string payment_order_id;  // empty: not about one of our orders
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, record_webhook_event& x) {
  return f(x.event_id, x.type, x.payment_order_id);
}

// --- risk ------------------------------------------------------------------
// What the risk rules need from the database: the buyer as given, and how
// many checkouts the same buyer made in the window (this one included).
struct load_risk_inputs {
  domain::checkout_id id;
  std::uint32_t window_s = 0;
  // Counting stops here (the highest threshold): a busy buyer costs a
  // bounded scan. 0: velocity is off, nothing is counted.
  std::uint32_t count_cap = 0;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, load_risk_inputs& x) {
  return f(x.id, x.window_s, x.count_cap);
}

struct risk_inputs {
  bool found = false;
  std::string buyer_info_json;
  std::uint32_t recent_checkouts = 0;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, risk_inputs& x) {
  return f(x.found, x.buyer_info_json, x.recent_checkouts);
}

// The decision, once per checkout (a second one changes nothing): block
// fails every NOT_STARTED order (risk_blocked), review holds them in REVIEW.
// Answers the checkout as it is afterwards.
struct record_risk_decision {
  domain::checkout_id id;
  std::string verdict;  // allow, review, block
  std::string rules_json;
  std::string correlation_id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, record_risk_decision& x) {
  return f(x.id, x.verdict, x.rules_json, x.correlation_id);
}

// Oldest first, a page at a time: after the (created_at, checkout_id) of
// the last checkout of the page before (-1: from the start).
struct list_reviews {
  std::uint32_t limit = 100;
  std::int64_t after_created_us = -1;
  std::string after_id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, list_reviews& x) {
  return f(x.limit, x.after_created_us, x.after_id);
}

struct reviews {
  std::vector<checkout_view> checkouts;  // oldest first
  bool has_more = false;
  std::int64_t last_created_us = 0;  // of the last checkout: the next cursor
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, reviews& x) {
  return f(x.checkouts, x.has_more, x.last_created_us);
}

// An operator's decision on a checkout held for review.
struct decide_review {
  domain::checkout_id id;
  bool approve = false;
  std::string reason;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, decide_review& x) {
  return f(x.id, x.approve, x.reason);
}

struct review_reply {
  operator_outcome outcome = operator_outcome::applied;
  checkout_view checkout;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, review_reply& x) {
  return f(x.outcome, x.checkout);
}

struct count_open_dead_letters {};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        count_open_dead_letters&) {
  return f();
}

// Open checkouts (an order not final yet) per merchant account, for the
// cap on how many one account may hold (payment_service_options).
struct count_open_checkouts {};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, count_open_checkouts&) {
  return f();
}

struct account_open_checkouts {
  std::string account_id;
  std::uint32_t open = 0;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        account_open_checkouts& x) {
  return f(x.account_id, x.open);
}

struct open_checkouts {
  std::vector<account_open_checkouts> accounts;  // those with any open
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, open_checkouts& x) {
  return f(x.accounts);
}

// --- Idempotency-Key ---------------------------------------------------------
enum class claim_outcome : std::uint8_t {
  claimed = 0,   // new key: go ahead
  replay = 1,    // same key, same request, response stored: send it again
  mismatch = 2,  // same key, different request
  pending = 3,   // same key, same request, no response stored yet
};

struct claim_idempotency_key {
  std::string key;
  std::string request_hash;
  domain::checkout_id checkout;
  std::uint32_t ttl_s = 86'400;  // an older claim of the key is forgotten
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        claim_idempotency_key& x) {
  return f(x.key, x.request_hash, x.checkout, x.ttl_s);
}

struct idempotency_claim {
  claim_outcome outcome = claim_outcome::claimed;
  std::uint16_t status = 0;
  std::string body;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, idempotency_claim& x) {
  return f(x.outcome, x.status, x.body);
}

struct save_idempotent_response {
  std::string key;
  std::uint16_t status = 0;
  std::string body;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        save_idempotent_response& x) {
  return f(x.key, x.status, x.body);
}

struct check_ready {};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, check_ready&) {
  return f();
}

struct ready_reply {
  bool ready = false;
  std::string detail;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ready_reply& x) {
  return f(x.ready, x.detail);
}

}  // namespace pay

namespace pay {

// --- capture on fulfilment ---------------------------------------------------
// A merchant's fulfilment (capture) or cancel (void) of an authorized order,
// persisted as CAPTURING / VOIDING before the PSP hears of it.
struct request_capture {
  domain::payment_order_id id;
  std::int64_t amount_minor = 0;  // 0: everything authorized
  std::string correlation_id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, request_capture& x) {
  return f(x.id, x.amount_minor, x.correlation_id);
}

struct request_void {
  domain::payment_order_id id;
  std::string failure_code;  // canceled, authorization_expired, ...
  std::string failure_message;
  std::string correlation_id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, request_void& x) {
  return f(x.id, x.failure_code, x.failure_message, x.correlation_id);
}

enum class settle_outcome : std::uint8_t {
  applied = 0,  // persisted; the order's actor finishes it
  not_found = 1,
  wrong_state = 2,       // not AUTHORIZED (nor REVIEW holding one, for a void)
  amount_too_large = 3,  // more than the authorization
  amount_invalid = 4,    // not an amount of the order's currency
};

struct settle_reply {
  settle_outcome outcome = settle_outcome::not_found;
  order_view order;  // as it is now, when found
  domain::money_error amount_error = domain::money_error::ok;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, settle_reply& x) {
  return f(x.outcome, x.order, x.amount_error);
}

}  // namespace pay
