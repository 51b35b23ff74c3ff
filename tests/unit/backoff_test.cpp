#include <gtest/gtest.h>

#include "domain/backoff.hpp"

namespace {

using pay::domain::backoff_ceiling_ms;
using pay::domain::backoff_delay_ms;
using pay::domain::backoff_policy;

TEST(backoff_test, ceiling_doubles_per_attempt_until_the_cap) {
  backoff_policy p{100, 1'000, 8};
  EXPECT_EQ(backoff_ceiling_ms(p, 0), 100u);
  EXPECT_EQ(backoff_ceiling_ms(p, 1), 200u);
  EXPECT_EQ(backoff_ceiling_ms(p, 3), 800u);
  EXPECT_EQ(backoff_ceiling_ms(p, 4), 1'000u);
  EXPECT_EQ(backoff_ceiling_ms(p, 4'000'000'000u), 1'000u);
}

TEST(backoff_test, delay_stays_within_zero_and_the_ceiling) {
  backoff_policy p{50, 3'000, 8};
  for (std::uint32_t attempt = 0; attempt < 20; ++attempt)
    for (std::uint64_t r : {0ull, 1ull, 49ull, 12345ull, ~0ull}) {
      auto d = backoff_delay_ms(p, attempt, r);
      EXPECT_LE(d, backoff_ceiling_ms(p, attempt));
    }
}

TEST(backoff_test, jitter_reaches_both_ends_of_the_window) {
  backoff_policy p{100, 10'000, 8};
  EXPECT_EQ(backoff_delay_ms(p, 0, 0), 0u);
  EXPECT_EQ(backoff_delay_ms(p, 0, 100), 100u);
  EXPECT_EQ(backoff_delay_ms(p, 2, 400), 400u);
}

}  // namespace
