#pragma once
// Pay-outs as plain data: the rows and views, the commands and replies the
// pay-out service, its actors and its store exchange
// (messages/payout/payout_protocol.hpp) and the SQL layer (persistence/payout/)
// reads and writes. No CAF here.

#include <cstdint>
#include <string>
#include <vector>

#include "domain/common/ids.hpp"
#include "domain/common/webhook_outcome.hpp"
#include "domain/payout/payout_status.hpp"

namespace pay {

struct payout_view {
  domain::payout_id payout_id;
  std::string seller_account;
  // The seller's connected account (acct_...) the pay-out goes to; empty
  // only for pay-outs made before sellers had connected accounts.
  std::string stripe_account;
  std::string currency;
  std::int64_t amount_minor = 0;
  domain::payout_status status = domain::payout_status::created;
  std::string psp_reference;       // po_...: the pay-out on the account
  std::string transfer_reference;  // tr_...: the transfer to the account
  std::string failure_code;
  std::string failure_message;
  std::int32_t attempts = 0;
  std::int32_t version = 0;  // compare-and-set guard of every change
  std::string created_at;    // RFC 3339
  std::string updated_at;
  // The retry budget of the current step: undecided calls since the pay-out
  // last moved (or was requeued) and the age of the first, by the
  // database's clock (-1: none).
  std::int32_t step_attempts = 0;
  std::int64_t first_attempt_age_ms = -1;
  // A call that moves money (transfer, pay-out, reversal) may have been
  // carried out without our hearing it; never cleared.
  bool maybe_paid_out = false;
  bool parked = false;          // an open dead letter: no actor drives it
  std::int64_t created_us = 0;  // the listing's cursor time
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, payout_view& x) {
  return f(x.payout_id, x.seller_account, x.stripe_account, x.currency,
           x.amount_minor, x.status, x.psp_reference, x.transfer_reference,
           x.failure_code, x.failure_message, x.attempts, x.version,
           x.created_at, x.updated_at, x.step_attempts, x.first_attempt_age_ms,
           x.maybe_paid_out, x.parked, x.created_us);
}

// One row of payout_history: a transition or a PSP attempt.
struct payout_history_entry {
  std::int64_t seq = 0;
  std::string at;  // RFC 3339
  // As the history table spells them (operators read it as written); empty
  // from_status for the creation.
  std::string from_status;
  std::string to_status;
  std::string event;
  std::int32_t attempt = 0;
  std::string outcome;
  std::string error;
  std::string correlation_id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, payout_history_entry& x) {
  return f(x.seq, x.at, x.from_status, x.to_status, x.event, x.attempt,
           x.outcome, x.error, x.correlation_id);
}

// One run of the scheduler (timer or POST /admin/payouts/run).
struct run_payouts {
  std::string correlation_id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, run_payouts& x) {
  return f(x.correlation_id);
}

struct payout_run_reply {
  std::int64_t credits_released = 0;
  std::vector<payout_view> created;
  // (seller, currency) pairs with money to pay and no connected account.
  std::int64_t awaiting_connected_account = 0;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, payout_run_reply& x) {
  return f(x.credits_released, x.created, x.awaiting_connected_account);
}

struct get_payout {
  domain::payout_id payout_id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, get_payout& x) {
  return f(x.payout_id);
}

struct payout_lookup {
  bool found = false;
  payout_view payout;
  std::vector<payout_history_entry> history;  // oldest first
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, payout_lookup& x) {
  return f(x.found, x.payout, x.history);
}

// Keyset pagination over (created_at, payout_id), newest first.
struct list_payouts {
  std::string seller_account;                   // empty: all
  std::vector<domain::payout_status> statuses;  // empty: every status
  std::uint32_t limit = 100;
  std::int64_t after_created_us = -1;  // cursor; -1: from the newest
  std::string after_id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, list_payouts& x) {
  return f(x.seller_account, x.statuses, x.limit, x.after_created_us,
           x.after_id);
}

struct payout_list {
  std::vector<payout_view> payouts;
  bool has_more = false;  // a page of list_payouts: another follows
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, payout_list& x) {
  return f(x.payouts, x.has_more);
}

// A verified payout.* webhook: the payout's actor asks the provider.
// `account`: the connected account the event happened on (Connect events
// carry it); an event from another account than the pay-out's is ignored.
struct payout_webhook {
  std::string event_id;
  std::string type;
  domain::payout_id payout_id;
  std::string account;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, payout_webhook& x) {
  return f(x.event_id, x.type, x.payout_id, x.account);
}

// A seller's Stripe Connect account.
struct connected_account_view {
  std::string seller_account;
  std::string stripe_account;  // acct_...
  std::string created_at;      // RFC 3339
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        connected_account_view& x) {
  return f(x.seller_account, x.stripe_account, x.created_at);
}

// POST /v1/sellers/{seller}/connected_account: link the seller to an
// existing account (stripe_account set) or create one at the PSP.
struct connect_seller {
  std::string seller_account;
  std::string stripe_account;  // empty: create one
  std::string country;         // ISO 3166-1 alpha-2, for a new account
  std::string email;           // optional, for a new account
  std::string correlation_id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, connect_seller& x) {
  return f(x.seller_account, x.stripe_account, x.country, x.email,
           x.correlation_id);
}

enum class connect_outcome : std::uint8_t {
  created = 0,          // a new account at the PSP, now linked
  linked = 1,           // an existing account, now linked
  already_linked = 2,   // the same link was there before: nothing changed
  conflict = 3,         // the seller or the account is linked otherwise
  no_such_account = 4,  // the PSP does not know that acct_...
  psp_refused = 5,      // the PSP refused to create one (message says why)
  psp_unavailable = 6,  // no clear answer from the PSP: try again
};

struct connect_reply {
  connect_outcome outcome = connect_outcome::created;
  connected_account_view account;  // as linked now (empty if none)
  std::string message;             // for refusals
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, connect_reply& x) {
  return f(x.outcome, x.account, x.message);
}

struct get_connected_account {
  std::string seller_account;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        get_connected_account& x) {
  return f(x.seller_account);
}

struct connected_account_lookup {
  bool found = false;
  connected_account_view account;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        connected_account_lookup& x) {
  return f(x.found, x.account);
}

// The store's half of connect_seller: insert the link unless the seller or
// the account has another one (outcome linked, already_linked or conflict).
struct link_connected_account {
  std::string seller_account;
  std::string stripe_account;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        link_connected_account& x) {
  return f(x.seller_account, x.stripe_account);
}

// The merchant delivered the goods (a release condition).
struct fulfill_order {
  std::string payment_order_id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, fulfill_order& x) {
  return f(x.payment_order_id);
}

enum class fulfill_outcome : std::uint8_t {
  fulfilled = 0,
  already_fulfilled = 1,
  order_not_found = 2,
  order_not_succeeded = 3,
};

struct fulfill_reply {
  fulfill_outcome outcome = fulfill_outcome::fulfilled;
  std::string fulfilled_at;  // RFC 3339
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, fulfill_reply& x) {
  return f(x.outcome, x.fulfilled_at);
}

struct wallet_balance {
  std::string currency;
  std::int64_t pending_minor = 0;
  std::int64_t available_minor = 0;  // may be negative after refunds
  std::int64_t in_transit_minor = 0;
  std::int64_t paid_out_minor = 0;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, wallet_balance& x) {
  return f(x.currency, x.pending_minor, x.available_minor, x.in_transit_minor,
           x.paid_out_minor);
}

struct load_wallet_balances {
  std::string seller_account;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, load_wallet_balances& x) {
  return f(x.seller_account);
}

struct wallet_balances {
  std::vector<wallet_balance> balances;  // by currency
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, wallet_balances& x) {
  return f(x.balances);
}

// One run's database work: release credits and create pay-outs, one
// transaction per (seller, currency) under the wallet row's lock.
struct release_payouts {
  std::int64_t hold_s = 0;
  std::int64_t minimum_minor = 1;
  std::string correlation_id;
  // A scheduled run, made only by the node that holds this cluster-wide
  // job (persistence/cluster); empty: an operator asked, so it runs.
  std::string cluster_job;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, release_payouts& x) {
  return f(x.hold_s, x.minimum_minor, x.correlation_id, x.cluster_job);
}

// Every pay-out not PAID or FAILED yet (recovery at start).
struct load_open_payouts {};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, load_open_payouts&) {
  return f();
}

// A state transition with its ledger and wallet effect, applied only when
// the row is still at (expected_status, expected_version).
struct advance_payout {
  domain::payout_id payout_id;
  domain::payout_status expected_status = domain::payout_status::created;
  std::int32_t expected_version = 0;
  domain::payout_event event = domain::payout_event::psp_accepted;
  std::string psp_reference;
  std::string failure_code;
  std::string failure_message;
  std::string correlation_id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, advance_payout& x) {
  return f(x.payout_id, x.expected_status, x.expected_version, x.event,
           x.psp_reference, x.failure_code, x.failure_message,
           x.correlation_id);
}

// A provider call that decided nothing: counted and written to history.
struct record_payout_attempt {
  domain::payout_id payout_id;
  std::int32_t expected_version = 0;
  std::string outcome;
  std::string error;
  std::string correlation_id;
  // A call that moves money may have been carried out (ORed into the row's
  // maybe_paid_out).
  bool may_have_paid_out = false;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        record_payout_attempt& x) {
  return f(x.payout_id, x.expected_version, x.outcome, x.error,
           x.correlation_id, x.may_have_paid_out);
}

struct payout_step {
  bool applied = false;  // false: the row had moved on (see `row`)
  bool found = false;
  payout_view row;  // as it is now
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, payout_step& x) {
  return f(x.applied, x.found, x.row);
}

// --- the pay-outs' dead-letter queue ---------------------------------------

// One row of payout_dead_letter with what an operator needs of its pay-out.
struct payout_dead_letter_view {
  domain::payout_id payout_id;
  std::string seller_account;
  std::string currency;
  std::int64_t amount_minor = 0;
  domain::payout_status payout_status = domain::payout_status::created;
  std::string reason;  // retry_budget_exhausted, crash_loop
  std::string last_error;
  std::int32_t attempts = 0;  // calls of the step (crashes for crash_loop)
  bool maybe_paid_out = false;
  std::string status;  // open, requeued, resolved
  std::string resolution;
  std::string first_seen_at;  // RFC 3339
  std::string last_seen_at;
  std::int64_t last_seen_us = 0;  // the listing's cursor time
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        payout_dead_letter_view& x) {
  return f(x.payout_id, x.seller_account, x.currency, x.amount_minor,
           x.payout_status, x.reason, x.last_error, x.attempts,
           x.maybe_paid_out, x.status, x.resolution, x.first_seen_at,
           x.last_seen_at, x.last_seen_us);
}

// The pay-out stops and waits for an operator: its dead letter is opened
// (or reopened after a requeue) and a 'dead_lettered' history row written.
struct park_payout {
  domain::payout_id payout_id;
  std::string reason;
  std::string last_error;
  // Set by a crash loop: a call may have been in flight when it crashed.
  bool maybe_paid_out = false;
  std::string correlation_id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, park_payout& x) {
  return f(x.payout_id, x.reason, x.last_error, x.maybe_paid_out,
           x.correlation_id);
}

// Keyset pagination over (last_seen_at, payout_id), most recently changed
// first.
struct list_payout_dead_letters {
  std::string status;  // open, requeued, resolved; "": all
  std::uint32_t limit = 100;
  std::int64_t after_last_seen_us = -1;  // cursor; -1: from the newest
  std::string after_id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        list_payout_dead_letters& x) {
  return f(x.status, x.limit, x.after_last_seen_us, x.after_id);
}

struct payout_dead_letter_page {
  std::vector<payout_dead_letter_view> entries;
  bool has_more = false;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        payout_dead_letter_page& x) {
  return f(x.entries, x.has_more);
}

struct load_payout_dead_letter {
  domain::payout_id payout_id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        load_payout_dead_letter& x) {
  return f(x.payout_id);
}

struct payout_dead_letter_lookup {
  bool found = false;
  payout_dead_letter_view entry;
  payout_view payout;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        payout_dead_letter_lookup& x) {
  return f(x.found, x.entry, x.payout);
}

// An operator's requeue: the entry becomes requeued, the pay-out gets a
// fresh retry budget and this node's ownership, and the service gives it an
// actor again.
struct requeue_payout_dead_letter {
  domain::payout_id payout_id;
  std::string correlation_id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        requeue_payout_dead_letter& x) {
  return f(x.payout_id, x.correlation_id);
}

// An operator's resolve: settle the pay-out as failed the way the rules
// allow (domain/payout/payout_dead_letter.hpp); the service asks the
// provider first when it may hold our transfer or pay-out.
struct resolve_payout_dead_letter {
  domain::payout_id payout_id;
  std::string reason;
  std::string correlation_id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        resolve_payout_dead_letter& x) {
  return f(x.payout_id, x.reason, x.correlation_id);
}

// The store's half of a resolve, once decided: close the open entry and,
// with `fail`, apply operator_failed from the (status, version) the
// decision saw (a pay-out that moved meanwhile is left as it is).
struct close_payout_dead_letter {
  domain::payout_id payout_id;
  std::string reason;
  bool fail = false;
  domain::payout_status expected_status = domain::payout_status::created;
  std::int32_t expected_version = 0;
  std::string correlation_id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        close_payout_dead_letter& x) {
  return f(x.payout_id, x.reason, x.fail, x.expected_status, x.expected_version,
           x.correlation_id);
}

enum class payout_dead_letter_outcome : std::uint8_t {
  applied = 0,
  not_found = 1,
  not_open = 2,      // requeued or resolved already
  psp_acted = 3,     // the provider holds our transfer or pay-out
  psp_unknown = 4,   // the provider could not be asked: nothing changed
  payout_moved = 5,  // the pay-out changed while the provider was asked
  in_transit = 6,    // the provider holds the pay-out: only it may end it
};

struct payout_dead_letter_reply {
  payout_dead_letter_outcome outcome = payout_dead_letter_outcome::applied;
  payout_dead_letter_view entry;  // as it is now (when found)
  std::string detail;             // what the provider said, for refusals
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        payout_dead_letter_reply& x) {
  return f(x.outcome, x.entry, x.detail);
}

}  // namespace pay
