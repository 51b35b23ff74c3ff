#pragma once
// Which orders and checkouts still need a live actor, decided from their
// persisted views alone. The service (recovery, resume, duplicates) and the
// checkout actor (spawning orders) must agree on it.

#include "domain/payin/order_status.hpp"
#include "domain/payin/records.hpp"

namespace pay {

inline bool captures_on_fulfillment(const checkout_view& view) {
  return view.capture_method == "on_fulfillment";
}

// What next_action reads of an order of a checkout.
inline domain::order_progress progress_of(const order_view& o,
                                          bool capture_on_fulfillment) {
  return {o.status, o.wallet_updated, o.ledger_updated, capture_on_fulfillment,
          o.authorization_expired};
}

// Not dead-lettered, not held (for review, or authorized until its
// fulfilment), and not yet final and fully booked.
inline bool order_needs_actor(const order_view& o,
                              bool capture_on_fulfillment) {
  auto action = domain::next_action(progress_of(o, capture_on_fulfillment));
  return !o.parked && action != domain::order_action::finished
         && action != domain::order_action::held;
}

// An order has work left, or every order succeeded but the checkout is not
// yet marked done.
inline bool checkout_needs_actor(const checkout_view& view) {
  bool all_success = true;
  for (const auto& o : view.orders) {
    if (order_needs_actor(o, captures_on_fulfillment(view))) return true;
    all_success = all_success && o.status == domain::order_status::success;
  }
  return all_success && !view.is_payment_done;
}

}  // namespace pay
