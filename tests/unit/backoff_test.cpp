#include <gtest/gtest.h>

#include "domain/common/backoff.hpp"

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

TEST(retry_jitter, one_entity_draws_the_same_stream_and_two_entities_differ) {
  pay::domain::retry_jitter a{"po_1"}, a_again{"po_1"}, b{"po_2"};
  int same_as_b = 0;
  for (int i = 0; i < 16; ++i) {
    auto x = a.next();
    EXPECT_EQ(x, a_again.next());
    same_as_b += x == b.next() ? 1 : 0;
  }
  EXPECT_EQ(same_as_b, 0);
}

TEST(retry_jitter, delays_stay_within_the_attempts_ceiling) {
  pay::domain::backoff_policy policy{100, 1'000, 8};
  pay::domain::retry_jitter jitter{"re_1"};
  for (std::uint32_t attempt = 0; attempt < 8; ++attempt)
    for (int i = 0; i < 50; ++i)
      EXPECT_LE(jitter.delay_ms(policy, attempt),
                pay::domain::backoff_ceiling_ms(policy, attempt));
}
