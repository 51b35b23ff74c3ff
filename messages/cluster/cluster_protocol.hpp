#pragma once
// The two timer actors of a clustered node: one keeps its lease, one takes
// over the work of dead nodes.

#include <caf/all.hpp>

namespace pay {

using lease_tick_atom = caf::atom_constant<caf::atom("ls_tick")>;
using takeover_tick_atom = caf::atom_constant<caf::atom("to_tick")>;

using lease_keeper_actor = caf::typed_actor<caf::reacts_to<lease_tick_atom>>;
using takeover_actor = caf::typed_actor<caf::reacts_to<takeover_tick_atom>>;

}  // namespace pay
