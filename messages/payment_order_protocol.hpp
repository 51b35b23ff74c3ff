#pragma once
// A payment_order actor owns one order's state machine. It takes no requests:
// it drives itself from its persisted state and reports to its checkout.

#include <caf/all.hpp>

namespace pay {

// Timer tick: try the current step again (backoff elapsed).
using retry_step_atom = caf::atom_constant<caf::atom("po_retry")>;

using payment_order_actor = caf::typed_actor<caf::reacts_to<retry_step_atom>>;

}  // namespace pay
