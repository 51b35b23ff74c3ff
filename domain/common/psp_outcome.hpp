#pragma once
// Turns what happened to one PSP call into the only distinctions the payment
// order cares about. Declined (final), transient (retry, nothing happened)
// and unknown outcome (maybe charged: ask the PSP before anything else) are
// never folded into one "error".

#include <cstdint>
#include <string>
#include <string_view>

#include "domain/risk/card_rules.hpp"

namespace pay::domain {

enum class psp_transport : std::uint8_t {
  responded = 0,
  not_sent = 1,         // nothing reached the PSP: safe to retry
  outcome_unknown = 2,  // request (partly) sent, no answer
};

enum class charge_kind : std::uint8_t {
  succeeded = 0,
  declined = 1,         // the card was refused: final
  processing = 2,       // PSP accepted, result later: poll
  transient = 3,        // PSP busy / unreachable: retry with backoff
  outcome_unknown = 4,  // maybe charged: ask again with the same key
  rejected = 5,         // PSP refused our request itself (4xx): no charge
  authorized = 6,       // held on the card, not captured (manual capture)
  voided = 7,           // an authorization released (or expired) at the PSP
};

struct charge_outcome {
  charge_kind kind = charge_kind::outcome_unknown;
  std::string psp_reference;  // PaymentIntent id when known
  std::string failure_code;   // decline code or error code
  std::string failure_message;
  // The request reached the PSP and no final answer came back (unknown
  // outcome, or a 5xx: Stripe may have processed a request it answered with
  // an error). Such an order is never failed without asking again.
  bool may_have_charged = false;
  // Hosted page: the PSP's registration and where the buyer pays.
  std::string session_id;
  std::string redirect_url;
  // What the card network and the PSP's scoring said (the charge's checks
  // and outcome), when the PSP reported them.
  card_checks checks;
  std::int64_t amount_capturable_minor = 0;  // authorized, not captured
  std::int64_t amount_received_minor = 0;    // captured
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, charge_outcome& x) {
  return f(x.kind, x.psp_reference, x.failure_code, x.failure_message,
           x.may_have_charged, x.session_id, x.redirect_url, x.checks,
           x.amount_capturable_minor, x.amount_received_minor);
}

std::string_view to_string(charge_kind k);

// Classifies a Stripe-style PaymentIntent create/retrieve/capture/cancel
// response. requires_capture is `authorized`; a canceled intent of manual
// capture is `voided` (failure_code authorization_expired when the PSP
// cancelled it for want of a capture), except one the buyer abandoned before
// it was ever authorized (3-D Secure nobody completed): `declined` with
// failure_code "expired". Stripe answers a capture or cancel of an intent in
// the wrong state with payment_intent_unexpected_state and the intent: that
// is classified by the intent's state, the truth of the matter.
charge_outcome classify_payment_intent(psp_transport transport,
                                       unsigned http_status,
                                       std::string_view body);

// Classifies a Checkout Session register/retrieve response (hosted page).
// An open session is `processing` (the buyer has not paid yet); a paid one
// `succeeded`; a complete unpaid one `declined` with code "payment_failed"
// (the intent, in psp_reference, tells why); an expired one `declined`.
charge_outcome classify_checkout_session(psp_transport transport,
                                         unsigned http_status,
                                         std::string_view body);

// The PSP refused our idempotency key as used before with other parameters
// (Stripe's idempotency_error): something was created under it.
bool is_key_conflict(const charge_outcome& outcome);

// One page of GET /v1/payment_intents (a Stripe list), searched for the
// intent whose metadata[payment_order_id] is ours: how an order whose
// idempotency key the PSP may have forgotten finds out whether it was
// charged before it asks again.
struct intent_search_page {
  bool readable = false;  // a 200 list; otherwise `failure` says why
  bool found = false;     // `intent` is ours, classified
  charge_outcome intent;  // found, or !readable: the failure
  bool has_more = false;  // another page follows ...
  std::string last_id;    // ... after this id (starting_after)
};

intent_search_page search_intents(psp_transport transport, unsigned http_status,
                                  std::string_view body,
                                  std::string_view payment_order_id);

}  // namespace pay::domain
