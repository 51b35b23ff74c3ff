#pragma once
// Plain data that several protocols carry: a new checkout as the gateway
// parsed it, and read views of what the database holds.

#include <cstdint>
#include <string>
#include <vector>

#include "domain/common/ids.hpp"
#include "domain/payin/order_status.hpp"

namespace pay {

struct order_line {
  domain::payment_order_id id;
  domain::seller_account seller;
  std::int64_t amount_minor = 0;
  std::string currency;  // ISO 4217, validated
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, order_line& x) {
  return f(x.id, x.seller, x.amount_minor, x.currency);
}

struct new_checkout {
  domain::checkout_id id;
  std::string buyer_info_json;  // canonical JSON text of the buyer object
  std::string psp_token;        // a PSP token, never a card number
  std::string return_url;       // hosted page instead of a token
  std::string request_hash;     // SHA-256 hex of the canonical request
  std::vector<order_line> orders;
  // Authorize now, capture when each order is fulfilled ("capture":
  // "on_fulfillment"); false: capture at once.
  bool capture_on_fulfillment = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, new_checkout& x) {
  return f(x.id, x.buyer_info_json, x.psp_token, x.return_url, x.request_hash,
           x.orders, x.capture_on_fulfillment);
}

struct order_view {
  domain::payment_order_id id;
  domain::checkout_id checkout;
  domain::seller_account seller;
  std::int64_t amount_minor = 0;
  std::string currency;
  domain::order_status status = domain::order_status::not_started;
  std::int32_t version = 0;
  std::int32_t attempts = 0;
  std::string psp_reference;
  std::string failure_code;
  std::string failure_message;
  bool wallet_updated = false;
  bool ledger_updated = false;
  std::string created_at;  // RFC 3339, UTC
  std::string updated_at;
  std::int32_t psp_attempts = 0;  // PSP calls made, persisted across restarts
  bool maybe_charged = false;     // a PSP answer was lost at least once
  std::int64_t first_attempt_age_ms = -1;  // -1: never attempted
  bool parked = false;         // in the dead-letter queue, awaiting an operator
  std::string psp_session_id;  // hosted page: the PSP's registration
  std::string redirect_url;    // hosted page: where the buyer pays
  std::int32_t pending_polls = 0;  // PSP polls while PENDING (the backoff)
  // Passivated: when the poll waker brings it back (RFC 3339); empty when
  // resident or not waiting on a poll.
  std::string next_poll_at;
  // Held at the PSP, before any capture (0: never authorized apart from a
  // capture). amount_minor is what a partial capture took.
  std::int64_t authorized_minor = 0;
  std::string card_assessment_json;      // checks, risk, decision; empty: none
  std::string authorization_expires_at;  // RFC 3339; empty: none
  bool authorization_expired = false;    // read against the database clock
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, order_view& x) {
  return f(x.id, x.checkout, x.seller, x.amount_minor, x.currency, x.status,
           x.version, x.attempts, x.psp_reference, x.failure_code,
           x.failure_message, x.wallet_updated, x.ledger_updated, x.created_at,
           x.updated_at, x.psp_attempts, x.maybe_charged,
           x.first_attempt_age_ms, x.parked, x.psp_session_id, x.redirect_url,
           x.pending_polls, x.next_poll_at, x.authorized_minor,
           x.card_assessment_json, x.authorization_expires_at,
           x.authorization_expired);
}

struct dead_letter_view {
  domain::payment_order_id id;
  domain::checkout_id checkout;
  std::string reason;
  std::string last_error;
  std::int32_t attempts = 0;
  std::string status;  // open, requeued, resolved
  std::string resolution;
  std::string first_seen_at;
  std::string last_seen_at;
  domain::order_status order_status = domain::order_status::not_started;
  bool maybe_charged = false;  // check with the PSP before resolving
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, dead_letter_view& x) {
  return f(x.id, x.checkout, x.reason, x.last_error, x.attempts, x.status,
           x.resolution, x.first_seen_at, x.last_seen_at, x.order_status,
           x.maybe_charged);
}

struct checkout_view {
  domain::checkout_id id;
  bool is_payment_done = false;
  std::string created_at;
  std::vector<order_view> orders;
  bool hosted = false;          // paid on the PSP's hosted page, no token
  std::string return_url;       // hosted, or after 3-D Secure on a token
  std::string risk_verdict;     // allow, review, block; empty: not checked yet
  std::string risk_rules_json;  // the rules that fired, as JSON
  std::string review_status;    // open, approved, rejected; empty: none
  std::string capture_method = "immediate";  // or "on_fulfillment"
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, checkout_view& x) {
  return f(x.id, x.is_payment_done, x.created_at, x.orders, x.hosted,
           x.return_url, x.risk_verdict, x.risk_rules_json, x.review_status,
           x.capture_method);
}

}  // namespace pay
