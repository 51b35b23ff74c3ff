#pragma once
// The poll waker: a timer actor that brings passivated orders back.

#include <caf/all.hpp>

namespace pay {

using waker_tick_atom = caf::atom_constant<caf::atom("wk_tick")>;

using poll_waker_actor = caf::typed_actor<caf::reacts_to<waker_tick_atom>>;

}  // namespace pay
