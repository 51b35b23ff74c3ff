#pragma once
// The watchdog: a timer actor that finds orders that stopped moving.

#include <caf/all.hpp>

namespace pay {

using watchdog_tick_atom = caf::atom_constant<caf::atom("wd_tick")>;

using watchdog_actor = caf::typed_actor<caf::reacts_to<watchdog_tick_atom>>;

}  // namespace pay
