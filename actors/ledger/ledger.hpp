#pragma once

#include <caf/all.hpp>

#include "messages/ledger/ledger_protocol.hpp"

namespace pay {

ledger_actor spawn_ledger(caf::actor_system& sys, store_pool stores);

}  // namespace pay
