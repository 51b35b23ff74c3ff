#pragma once
// Spawns the reconciler side of the engine from the settings (and starts its
// recovery). Called once by start_engine, after the pay-in actors exist.

#include <caf/all.hpp>

#include "app/engine.hpp"

namespace pay {

reconciler_actor start_reconciler(caf::actor_system& sys, const settings& cfg,
                                  const engine& e);

}  // namespace pay
