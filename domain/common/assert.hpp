#pragma once
// Invariant checks that stay on in release builds. An assertion is for our
// own bugs (money that does not balance, an illegal transition about to be
// applied); bad input and failing dependencies are returned as errors.

#include <cstdio>
#include <cstdlib>

#define PAY_ASSERT(condition)                                               \
  do {                                                                      \
    if (!(condition)) {                                                     \
      std::fprintf(stderr, "invariant violated: %s at %s:%d\n", #condition, \
                   __FILE__, __LINE__);                                     \
      std::abort();                                                         \
    }                                                                       \
  } while (false)
