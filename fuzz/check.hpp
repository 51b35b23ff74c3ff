#pragma once
// An invariant of the code under fuzzing. A violation is a finding like a
// crash, so it must stop the run the way a crash does: libFuzzer saves the
// input that caused it.

#include <cstdio>
#include <string>

#define FUZZ_CHECK(condition)                                        \
  do {                                                               \
    if (!(condition)) {                                              \
      std::fprintf(stderr, "fuzz invariant violated: %s at %s:%d\n", \
                   #condition, __FILE__, __LINE__);                  \
      __builtin_trap();                                              \
    }                                                                \
  } while (false)

// What a request's hash must look like: SHA-256 in lowercase hex.
inline bool is_sha256_hex(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}
