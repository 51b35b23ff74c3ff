#include <gtest/gtest.h>

#include "observability/log_throttle.hpp"

using pay::obs::log_throttle;

TEST(log_throttle, one_line_per_interval_says_how_many_were_held_back) {
  log_throttle throttle{1'000};
  EXPECT_EQ(throttle.admit(10'000), 0u);
  for (int i = 0; i < 499; ++i) EXPECT_FALSE(throttle.admit(10'000 + i));
  EXPECT_FALSE(throttle.admit(10'999));
  EXPECT_EQ(throttle.admit(11'000), 500u);
  EXPECT_FALSE(throttle.admit(11'001));
  EXPECT_EQ(throttle.admit(60'000), 1u);
}
