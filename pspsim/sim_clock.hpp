// How far the simulated clock runs ahead of the real one. Tests move it
// forward (POST /sim/clock/advance) to expire idempotency keys, checkout
// sessions and pending refunds without waiting; sim_time::now() reads it.
#pragma once

#include <cstdint>

namespace pay::pspsim {

std::int64_t sim_clock_offset_s();
// Only forward: time never runs back for anything already stored.
void advance_sim_clock(std::int64_t seconds);
// Back to the real clock (POST /sim/reset, which forgets everything stored).
void reset_sim_clock();

}  // namespace pay::pspsim
