#pragma once
// An invariant of the code under fuzzing. A violation is a finding like a
// crash, so it must stop the run the way a crash does: libFuzzer saves the
// input that caused it.

#include <cstdio>

#define FUZZ_CHECK(condition)                                        \
  do {                                                               \
    if (!(condition)) {                                              \
      std::fprintf(stderr, "fuzz invariant violated: %s at %s:%d\n", \
                   #condition, __FILE__, __LINE__);                  \
      __builtin_trap();                                              \
    }                                                                \
  } while (false)
