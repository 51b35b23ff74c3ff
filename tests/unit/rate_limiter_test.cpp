#include <gtest/gtest.h>

#include "gateway/access/rate_limiter.hpp"

using namespace pay::gateway;

TEST(token_bucket, a_burst_passes_then_the_next_request_waits_for_a_refill) {
  bucket_state s;
  bucket_rule rule{10, 3};  // 3 at once, one more every 100 ms
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(draw(s, rule, 1'000).allowed);
  auto refused = draw(s, rule, 1'000);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.remaining, 0u);
  EXPECT_EQ(refused.limit, 3u);
  EXPECT_EQ(refused.retry_after_s, 1u);
  EXPECT_EQ(refused.reset_s, 1u);  // 300 ms to full, rounded up
  EXPECT_FALSE(draw(s, rule, 1'099).allowed);
  EXPECT_TRUE(draw(s, rule, 1'100).allowed);
}

TEST(token_bucket, idle_time_refills_no_more_than_the_burst) {
  bucket_state s;
  bucket_rule rule{1, 2};
  EXPECT_TRUE(draw(s, rule, 0).allowed);
  EXPECT_TRUE(draw(s, rule, 0).allowed);
  auto later = draw(s, rule, 3'600'000);
  EXPECT_TRUE(later.allowed);
  EXPECT_EQ(later.remaining, 1u);
}

TEST(token_bucket, a_peek_takes_nothing) {
  bucket_state s;
  bucket_rule rule{1, 1};
  EXPECT_TRUE(draw(s, rule, 0, false).allowed);
  EXPECT_TRUE(draw(s, rule, 0, false).allowed);
  EXPECT_TRUE(draw(s, rule, 0).allowed);
  EXPECT_FALSE(draw(s, rule, 0, false).allowed);
}

TEST(token_bucket, rate_zero_means_unlimited) {
  bucket_state s;
  bucket_rule rule{0, 1};
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(draw(s, rule, 0).allowed);
}

TEST(rate_limiter, each_caller_has_a_bucket_of_its_own) {
  rate_limiter limiter;
  bucket_rule rule{1, 1};
  EXPECT_TRUE(limiter.take("key_a", rule, 0).allowed);
  EXPECT_FALSE(limiter.take("key_a", rule, 0).allowed);
  EXPECT_TRUE(limiter.take("key_b", rule, 0).allowed);
  EXPECT_TRUE(limiter.exhausted("key_a", rule, 0));
  EXPECT_FALSE(limiter.exhausted("key_c", rule, 0));
}

TEST(rate_limiter, many_callers_stay_within_the_bucket_bound) {
  rate_limiter limiter{160};
  bucket_rule rule{1, 1};
  // A flood from fresh addresses: busy buckets are forgotten rather than
  // grown without bound, and the limiter keeps answering.
  for (int i = 0; i < 10'000; ++i)
    EXPECT_TRUE(limiter.take("ip_" + std::to_string(i), rule, 0).allowed);
}
