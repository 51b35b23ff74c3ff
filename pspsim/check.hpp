// An assertion that stays on in release builds, for the simulator's own bugs
// (never for bad input, which gets an error response).
#pragma once

#include <cstdio>
#include <cstdlib>

namespace pay::pspsim {

[[noreturn]] inline void check_failed(const char* condition, const char* file,
                                      int line) {
  std::fprintf(stderr, "pspsim: invariant broken: %s (%s:%d)\n", condition,
               file, line);
  std::abort();
}

}  // namespace pay::pspsim

#define PSPSIM_CHECK(condition)       \
  ((condition) ? static_cast<void>(0) \
               : ::pay::pspsim::check_failed(#condition, __FILE__, __LINE__))
