#pragma once

#include <caf/all.hpp>

#include "messages/ledger/wallet_protocol.hpp"

namespace pay {

wallet_actor spawn_wallet(caf::actor_system& sys, store_pool stores);

}  // namespace pay
