#pragma once
// Which orders and checkouts still need a live actor, decided from their
// persisted views alone. The service (recovery, resume, duplicates) and the
// checkout actor (spawning orders) must agree on it.

#include "domain/payin/order_status.hpp"
#include "domain/payin/records.hpp"

namespace pay {

// Not dead-lettered, not held for review, and not yet final and fully
// booked.
inline bool order_needs_actor(const order_view& o) {
  auto action = domain::next_action(o.status, o.wallet_updated,
                                    o.ledger_updated);
  return !o.parked && action != domain::order_action::finished
         && action != domain::order_action::held;
}

// An order has work left, or every order succeeded but the checkout is not
// yet marked done.
inline bool checkout_needs_actor(const checkout_view& view) {
  bool all_success = true;
  for (const auto& o : view.orders) {
    if (order_needs_actor(o)) return true;
    all_success = all_success && o.status == domain::order_status::success;
  }
  return all_success && !view.is_payment_done;
}

}  // namespace pay
