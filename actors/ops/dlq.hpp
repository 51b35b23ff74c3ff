#pragma once

#include <caf/all.hpp>

#include "messages/ops/dlq_protocol.hpp"

namespace pay {

dlq_actor spawn_dlq(caf::actor_system& sys, store_pool stores);

}  // namespace pay
