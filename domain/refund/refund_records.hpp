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
  std::int32_t attempts = 0;  // PSP attempts so far (persisted)
  std::string payment_intent;
  std::int64_t created_unix_s = 0;  // how old its idempotency key is
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, refund_work& x) {
  return f(x.view, x.version, x.attempts, x.payment_intent, x.created_unix_s);
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
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        record_refund_attempt& x) {
  return f(x.refund_id, x.outcome, x.error, x.next_delay_ms, x.correlation_id);
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

}  // namespace pay
