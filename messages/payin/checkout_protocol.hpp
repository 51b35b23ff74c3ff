#pragma once
// A checkout actor: one per live checkout (payment event). It supervises one
// payment_order actor per order and answers waiters when all are final.

#include <caf/all.hpp>

#include "domain/payin/records.hpp"
#include "messages/payin/payment_order_protocol.hpp"

namespace pay {

// Reply with the checkout's view once every order is final (or, with
// until_pending, final or PENDING: the hosted page's redirect is known), or
// after wait_ms with whatever the view is then.
struct await_outcome {
  std::uint32_t wait_ms = 0;
  bool until_pending = false;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, await_outcome& x) {
  return f(x.wait_ms, x.until_pending);
}

// Sent by a payment_order actor to its checkout when it has nothing left to
// do, with its row as persisted, so the checkout answers without reading it
// back. `row.parked`: handed to the dead-letter queue, not finished.
struct order_finished {
  order_view row;
  bool checkout_done = false;  // its move to SUCCESS marked the checkout done
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, order_finished& x) {
  return f(x.row, x.checkout_done);
}

// Sent by a payment_order actor when it became PENDING: the PSP decides
// later. For the hosted page it carries where the buyer pays.
struct order_pending {
  domain::payment_order_id id;
  std::string psp_session_id;
  std::string redirect_url;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, order_pending& x) {
  return f(x.id, x.psp_session_id, x.redirect_url);
}

// A webhook brought news about order `id`: its actor asks the PSP now.
struct psp_news {
  domain::payment_order_id id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, psp_news& x) {
  return f(x.id);
}

// Reload the orders from the database and give every order that has work
// left (e.g. requeued from the DLQ) a live actor again.
using resume_orders_atom = caf::atom_constant<caf::atom("co_resume")>;

// Internal timer: try the risk check again.
using assess_atom = caf::atom_constant<caf::atom("co_assess")>;

// Internal timer: try marking the checkout done again.
using mark_done_atom = caf::atom_constant<caf::atom("co_mark")>;

// Internal timer: a waiter's time is up.
struct waiter_expired {
  std::uint64_t waiter_id = 0;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, waiter_expired& x) {
  return f(x.waiter_id);
}

// Internal: order `id` has no actor any more and will not report finished
// (dead-lettered after crashing, or its row could not be reloaded): the
// checkout stops waiting for it.
struct order_gone {
  domain::payment_order_id id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, order_gone& x) {
  return f(x.id);
}

using checkout_actor = caf::typed_actor<
  caf::replies_to<await_outcome>::with<checkout_view>,
  caf::reacts_to<order_finished>, caf::reacts_to<order_pending>,
  caf::reacts_to<psp_news>, caf::replies_to<resume_orders_atom>::with<bool>,
  caf::reacts_to<mark_done_atom>, caf::reacts_to<assess_atom>,
  caf::replies_to<inspect_live_order>::with<order_live_view>,
  caf::reacts_to<waiter_expired>, caf::reacts_to<order_gone>>;

}  // namespace pay
