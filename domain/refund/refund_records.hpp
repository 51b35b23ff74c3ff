#pragma once
// Refunds as plain data: the rows and views, the commands and replies the
// refund service and its store exchange (messages/refund/refund_protocol.hpp)
// and the SQL layer (persistence/refund/) reads and writes. No CAF here.

#include <cstdint>
#include <string>
#include <vector>

#include "domain/common/ids.hpp"
#include "domain/common/money.hpp"
#include "domain/refund/refund_outcome.hpp"
#include "domain/refund/refund_status.hpp"

namespace pay {

struct refund_view {
  domain::refund_id refund_id;
  std::string payment_order_id;
  std::string seller_account;
  std::string currency;
  std::int64_t amount_minor = 0;
  std::string reason;
  domain::refund_status status = domain::refund_status::created;
  std::string psp_reference;
  std::string failure_code;
  std::string failure_message;
  std::string created_at;  // RFC 3339
  std::string updated_at;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, refund_view& x) {
  return f(x.refund_id, x.payment_order_id, x.seller_account, x.currency,
           x.amount_minor, x.reason, x.status, x.psp_reference, x.failure_code,
           x.failure_message, x.created_at, x.updated_at);
}

struct create_refund {
  std::string payment_order_id;
  // Decimal string in the order's currency, checked against it by the
  // store (the gateway does not know the currency); "" means everything
  // not refunded yet.
  std::string amount;
  std::string reason;
  std::string idempotency_key;
  std::string request_hash;  // sha256 hex of the canonical request
  std::string correlation_id;
  // Prefer: wait — answer once the refund is final or this has passed.
  std::uint32_t wait_ms = 0;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, create_refund& x) {
  return f(x.payment_order_id, x.amount, x.reason, x.idempotency_key,
           x.request_hash, x.correlation_id, x.wait_ms);
}

enum class create_refund_outcome : std::uint8_t {
  created = 0,
  replayed = 1,                // same Idempotency-Key, same request
  idempotency_key_reused = 2,  // same key, another request
  order_not_found = 3,
  order_not_refundable = 4,  // not SUCCESS
  amount_too_large = 5,      // beyond what is left to refund
  amount_invalid = 6,        // not an amount in the order's currency
};

struct create_refund_reply {
  create_refund_outcome outcome = create_refund_outcome::created;
  refund_view refund;
  std::int64_t refundable_minor = 0;  // left before this request
  std::string currency;               // the order's, for error messages
  domain::money_error amount_error = domain::money_error::ok;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, create_refund_reply& x) {
  return f(x.outcome, x.refund, x.refundable_minor, x.currency, x.amount_error);
}

struct get_refund {
  domain::refund_id refund_id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, get_refund& x) {
  return f(x.refund_id);
}

struct refund_lookup {
  bool found = false;
  refund_view refund;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, refund_lookup& x) {
  return f(x.found, x.refund);
}

struct list_refunds {
  std::string payment_order_id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, list_refunds& x) {
  return f(x.payment_order_id);
}

struct refund_list {
  bool order_found = false;
  std::vector<refund_view> refunds;  // oldest first
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, refund_list& x) {
  return f(x.order_found, x.refunds);
}

// What a refund actor works from: the row plus what it needs to call the
// PSP (the order's PaymentIntent) and to compare-and-set the row.
struct refund_work {
  refund_view view;
  std::int32_t version = 0;
  // PSP attempts of the retry budget so far (persisted; a requeue starts
  // them over) and the age of the first, by the database's clock (-1: none).
  std::int32_t attempts = 0;
  std::int64_t first_attempt_age_ms = -1;
  std::string payment_intent;
  std::int64_t created_unix_s = 0;  // how old its idempotency key is
  // A call of ours may have refunded at the PSP without our hearing it
  // (never cleared: a fact about the past).
  bool maybe_refunded = false;
  bool parked = false;  // an open dead letter: no actor drives it
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, refund_work& x) {
  return f(x.view, x.version, x.attempts, x.first_attempt_age_ms,
           x.payment_intent, x.created_unix_s, x.maybe_refunded, x.parked);
}

struct load_open_refunds {
  std::uint32_t limit = 1000;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, load_open_refunds& x) {
  return f(x.limit);
}

struct open_refunds {
  std::vector<refund_work> refunds;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, open_refunds& x) {
  return f(x.refunds);
}

struct load_refund_work {
  domain::refund_id refund_id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, load_refund_work& x) {
  return f(x.refund_id);
}

// One PSP attempt that decided nothing: counted and written to history.
struct record_refund_attempt {
  domain::refund_id refund_id;
  std::string outcome;  // domain::refund_kind as text
  std::string error;
  std::uint32_t next_delay_ms = 0;
  std::string correlation_id;
  // The call may have refunded at the PSP (refund_outcome): ORed into the
  // row's maybe_refunded.
  bool may_have_refunded = false;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        record_refund_attempt& x) {
  return f(x.refund_id, x.outcome, x.error, x.next_delay_ms, x.correlation_id,
           x.may_have_refunded);
}

// `from` -> `to` (domain::next_status), compare-and-set on (status,
// version); on SUCCEEDED the ledger and the wallet move in the same
// transaction.
struct move_refund {
  domain::refund_id refund_id;
  std::int32_t expected_version = 0;
  domain::refund_status from = domain::refund_status::created;
  domain::refund_status to = domain::refund_status::failed;
  domain::refund_event event = domain::refund_event::psp_failed;
  std::string psp_reference;
  std::string failure_code;
  std::string failure_message;
  std::string correlation_id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, move_refund& x) {
  return f(x.refund_id, x.expected_version, x.from, x.to, x.event,
           x.psp_reference, x.failure_code, x.failure_message,
           x.correlation_id);
}

// A verified refund.updated / charge.refund.updated webhook: the refund's
// actor asks the PSP now.
struct refund_webhook {
  std::string event_id;
  std::string type;
  domain::refund_id refund_id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, refund_webhook& x) {
  return f(x.event_id, x.type, x.refund_id);
}

struct refund_step_reply {
  bool applied = false;  // false: the row had moved on (current tells how)
  bool found = false;
  refund_work current;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, refund_step_reply& x) {
  return f(x.applied, x.found, x.current);
}

// --- every refund, for operators (GET /admin/refunds) ----------------------

// Keyset pagination over (created_at, refund_id), newest first.
struct list_refunds_admin {
  std::string status;  // a refund status as the database spells it; "": all
  std::uint32_t limit = 50;
  std::int64_t after_created_us = -1;  // cursor; -1: from the newest
  std::string after_id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, list_refunds_admin& x) {
  return f(x.status, x.limit, x.after_created_us, x.after_id);
}

struct refund_page {
  std::vector<refund_view> refunds;
  bool has_more = false;
  std::int64_t last_created_us = 0;  // of the last refund: the next cursor
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, refund_page& x) {
  return f(x.refunds, x.has_more, x.last_created_us);
}

// --- the refunds' dead-letter queue ----------------------------------------

// One row of refund_dead_letter with what an operator needs of its refund.
struct refund_dead_letter_view {
  domain::refund_id refund_id;
  std::string payment_order_id;
  std::string currency;
  std::int64_t amount_minor = 0;
  domain::refund_status refund_status = domain::refund_status::created;
  std::string reason;  // retry_budget_exhausted, crash_loop
  std::string last_error;
  std::int32_t attempts = 0;  // PSP attempts (crashes for crash_loop)
  bool maybe_refunded = false;
  std::string status;  // open, requeued, resolved
  std::string resolution;
  std::string first_seen_at;  // RFC 3339
  std::string last_seen_at;
  std::int64_t last_seen_us = 0;  // the listing's cursor time
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        refund_dead_letter_view& x) {
  return f(x.refund_id, x.payment_order_id, x.currency, x.amount_minor,
           x.refund_status, x.reason, x.last_error, x.attempts,
           x.maybe_refunded, x.status, x.resolution, x.first_seen_at,
           x.last_seen_at, x.last_seen_us);
}

// The refund stops and waits for an operator: its dead letter is opened
// (or reopened after a requeue) and a 'dead_lettered' history row written.
struct park_refund {
  domain::refund_id refund_id;
  std::string reason;
  std::string last_error;
  // Set by a crash loop: a call may have been in flight when it crashed.
  bool maybe_refunded = false;
  std::string correlation_id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, park_refund& x) {
  return f(x.refund_id, x.reason, x.last_error, x.maybe_refunded,
           x.correlation_id);
}

// Keyset pagination over (last_seen_at, refund_id), most recently changed
// first.
struct list_refund_dead_letters {
  std::string status;  // open, requeued, resolved; "": all
  std::uint32_t limit = 100;
  std::int64_t after_last_seen_us = -1;  // cursor; -1: from the newest
  std::string after_id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        list_refund_dead_letters& x) {
  return f(x.status, x.limit, x.after_last_seen_us, x.after_id);
}

struct refund_dead_letter_page {
  std::vector<refund_dead_letter_view> entries;
  bool has_more = false;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        refund_dead_letter_page& x) {
  return f(x.entries, x.has_more);
}

struct load_refund_dead_letter {
  domain::refund_id refund_id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        load_refund_dead_letter& x) {
  return f(x.refund_id);
}

struct refund_dead_letter_lookup {
  bool found = false;
  refund_dead_letter_view entry;
  refund_work refund;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        refund_dead_letter_lookup& x) {
  return f(x.found, x.entry, x.refund);
}

// An operator's requeue: the entry becomes requeued, the refund gets a
// fresh retry budget and this node's ownership, and the service gives it an
// actor again.
struct requeue_refund_dead_letter {
  domain::refund_id refund_id;
  std::string correlation_id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        requeue_refund_dead_letter& x) {
  return f(x.refund_id, x.correlation_id);
}

// An operator's resolve: settle the refund as failed if the rules allow
// (domain/refund/refund_dead_letter.hpp); the service asks the PSP first
// when the refund may exist there.
struct resolve_refund_dead_letter {
  domain::refund_id refund_id;
  std::string reason;
  std::string correlation_id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        resolve_refund_dead_letter& x) {
  return f(x.refund_id, x.reason, x.correlation_id);
}

// The store's half of a resolve, once decided: close the open entry and,
// with `fail`, move the refund operator_failed from the version the
// decision saw (a refund that moved meanwhile is left as it is).
struct close_refund_dead_letter {
  domain::refund_id refund_id;
  std::string reason;
  bool fail = false;
  std::int32_t expected_version = 0;
  std::string correlation_id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        close_refund_dead_letter& x) {
  return f(x.refund_id, x.reason, x.fail, x.expected_version, x.correlation_id);
}

enum class refund_dead_letter_outcome : std::uint8_t {
  applied = 0,
  not_found = 1,
  not_open = 2,      // requeued or resolved already
  psp_made_it = 3,   // the PSP holds the refund: requeue instead
  psp_unknown = 4,   // the PSP could not be asked: nothing changed
  refund_moved = 5,  // the refund changed while the PSP was asked
};

struct refund_dead_letter_reply {
  refund_dead_letter_outcome outcome = refund_dead_letter_outcome::applied;
  refund_dead_letter_view entry;  // as it is now (when found)
  std::string detail;             // what the PSP said, for refusals
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        refund_dead_letter_reply& x) {
  return f(x.outcome, x.entry, x.detail);
}

}  // namespace pay
