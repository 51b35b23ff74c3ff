// The two clocks the simulator reads, passed in explicitly so the store can
// be tested without waiting.
#pragma once

#include <chrono>
#include <cstdint>

namespace pay::pspsim {

struct sim_time {
  std::chrono::steady_clock::time_point steady;  // for delays
  std::int64_t unix_s = 0;                       // for `created` fields

  static sim_time now() {
    return {std::chrono::steady_clock::now(),
            std::chrono::duration_cast<std::chrono::seconds>(
              std::chrono::system_clock::now().time_since_epoch())
              .count()};
  }
};

}  // namespace pay::pspsim
