#pragma once
// A payment_order actor owns one order's state machine. It drives itself from
// its persisted state and reports to its checkout; the only request it takes
// is an operator's look at what it is doing right now.

#include <caf/all.hpp>

#include "domain/common/ids.hpp"
#include "domain/payin/order_status.hpp"

namespace pay {

// Timer tick: try the current step again (backoff elapsed).
using retry_step_atom = caf::atom_constant<caf::atom("po_retry")>;

// A PENDING order asks the PSP now: its poll timer fired, or a webhook said
// something happened.
using poll_now_atom = caf::atom_constant<caf::atom("po_poll")>;

struct inspect_live_order {
  domain::payment_order_id id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, inspect_live_order& x) {
  return f(x.id);
}

// What the live actor is doing; in_memory == false when no actor runs.
struct order_live_view {
  bool in_memory = false;
  domain::order_status status = domain::order_status::not_started;
  std::int32_t attempt = 0;   // PSP attempts so far
  std::string next_retry_at;  // RFC 3339; empty when no timer is set
  std::string waiting_on;     // psp, store, wallet, ledger, dlq,
                              // retry_timer, poll_timer, checkout, nothing
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, order_live_view& x) {
  return f(x.in_memory, x.status, x.attempt, x.next_retry_at, x.waiting_on);
}

using payment_order_actor = caf::typed_actor<
  caf::reacts_to<retry_step_atom>, caf::reacts_to<poll_now_atom>,
  caf::replies_to<inspect_live_order>::with<order_live_view>>;

}  // namespace pay
