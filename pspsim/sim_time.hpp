// The two clocks the simulator reads, passed in explicitly so the store can
// be tested without waiting. now() is the simulated time: the real clocks
// plus the offset /sim/clock/advance added (sim_clock.hpp).
#pragma once

#include <chrono>
#include <cstdint>

#include "pspsim/sim_clock.hpp"

namespace pay::pspsim {

struct sim_time {
  std::chrono::steady_clock::time_point steady;  // for delays
  std::int64_t unix_s = 0;                       // for `created` fields

  static sim_time now() {
    const std::int64_t offset_s = sim_clock_offset_s();
    return {std::chrono::steady_clock::now() + std::chrono::seconds(offset_s),
            real_unix_s() + offset_s};
  }

  // The wall clock, never advanced: webhook signatures must be fresh for
  // receivers that check the timestamp against their own clock.
  static std::int64_t real_unix_s() {
    return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
  }
};

}  // namespace pay::pspsim
