#pragma once
// The dead-letter queue: orders that spent their retry budget, crash-looped
// or got stuck wait here, durably, for an operator to requeue or resolve them.

#include <caf/all.hpp>

#include "messages/payin/store_protocol.hpp"

namespace pay {

using dlq_actor =
  caf::typed_actor<caf::replies_to<escalate_order>::with<step_reply>,
                   caf::replies_to<list_dead_letters>::with<dead_letters>,
                   caf::replies_to<requeue_dead_letter>::with<operator_reply>,
                   caf::replies_to<resolve_dead_letter>::with<operator_reply>>;

}  // namespace pay
