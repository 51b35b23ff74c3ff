#pragma once
// The executor turns a payment order into PSP calls (PaymentIntents) and the
// PSP's answer into a classified charge outcome.

#include <caf/all.hpp>

#include "domain/common/psp_outcome.hpp"
#include "domain/payin/records.hpp"

namespace pay {

struct execute_charge {
  order_line order;
  domain::checkout_id checkout;
  std::string psp_token;
  std::string correlation_id;
  // Where the PSP sends the buyer back after 3-D Secure; empty: the
  // checkout gave none, so a card that needs it is declined at once.
  std::string return_url;
  // The earliest our key can have reached the PSP (unix seconds: when the
  // order was stored; 0: unknown, the key is new). Past the PSP's key
  // lifetime the executor looks the intent up by metadata before creating.
  std::int64_t key_first_used_unix_s = 0;
  // Authorize only (capture_method=manual), for the card rules or a capture
  // on fulfilment to decide; false: captured by the PSP at once.
  bool authorize_only = true;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, execute_charge& x) {
  return f(x.order, x.checkout, x.psp_token, x.correlation_id, x.return_url,
           x.key_first_used_unix_s, x.authorize_only);
}

// Asks the PSP for the current state of an intent (processing -> final).
struct query_charge {
  std::string psp_reference;
  std::string correlation_id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, query_charge& x) {
  return f(x.psp_reference, x.correlation_id);
}

// Hosted page: registers the order with the PSP (a Checkout Session; the
// order id is the nonce, so registering twice yields the same session).
struct register_session {
  order_line order;
  domain::checkout_id checkout;
  std::string return_url;
  std::string correlation_id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, register_session& x) {
  return f(x.order, x.checkout, x.return_url, x.correlation_id);
}

// Hosted page: how did the buyer's payment go?
struct query_session {
  std::string session_id;
  std::string correlation_id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, query_session& x) {
  return f(x.session_id, x.correlation_id);
}

// Authorize now, capture later: captures `amount_minor` of the order's
// authorization (the rest is released), or voids it. The PSP's idempotency
// key is the order id and the action, so a retry never captures twice.
struct capture_charge {
  domain::payment_order_id order;
  std::string psp_reference;  // the authorized intent
  std::int64_t amount_minor = 0;
  std::string correlation_id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, capture_charge& x) {
  return f(x.order, x.psp_reference, x.amount_minor, x.correlation_id);
}

struct void_charge {
  domain::payment_order_id order;
  std::string psp_reference;
  // Stripe's cancellation_reason: fraudulent (our rules), requested_by_
  // customer (the merchant's cancel); empty: none (an expiring hold).
  std::string cancellation_reason;
  std::string correlation_id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, void_charge& x) {
  return f(x.order, x.psp_reference, x.cancellation_reason, x.correlation_id);
}

using executor_actor = caf::typed_actor<
  caf::replies_to<execute_charge>::with<domain::charge_outcome>,
  caf::replies_to<query_charge>::with<domain::charge_outcome>,
  caf::replies_to<register_session>::with<domain::charge_outcome>,
  caf::replies_to<query_session>::with<domain::charge_outcome>,
  caf::replies_to<capture_charge>::with<domain::charge_outcome>,
  caf::replies_to<void_charge>::with<domain::charge_outcome>>;

}  // namespace pay
