#include "pspsim/sim_clock.hpp"

#include <atomic>

namespace pay::pspsim {
namespace {

// One process-wide offset: every component must see the same simulated time.
std::atomic<std::int64_t> offset_s{0};

}  // namespace

std::int64_t sim_clock_offset_s() {
  return offset_s.load(std::memory_order_acquire);
}

void advance_sim_clock(std::int64_t seconds) {
  if (seconds > 0) offset_s.fetch_add(seconds, std::memory_order_acq_rel);
}

void reset_sim_clock() { offset_s.store(0, std::memory_order_release); }

}  // namespace pay::pspsim
