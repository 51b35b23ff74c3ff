#include "domain/common/retry_schedule.hpp"

#include <gtest/gtest.h>

namespace pay::domain {
namespace {

constexpr backoff_policy retry{100, 5'000, 4};
constexpr poll_policy poll{500, 30'000};

TEST(retry_schedule, failures_back_off_within_a_doubling_ceiling) {
  retry_schedule s{"po_1", retry, poll};
  for (std::uint32_t i = 0; i < 10; ++i) {
    auto ceiling = backoff_ceiling_ms(retry, i);
    EXPECT_LE(s.after_failure_ms(), ceiling) << "failure " << i;
  }
  EXPECT_EQ(s.failures(), 10U);
}

TEST(retry_schedule, a_call_that_gets_through_starts_failures_from_the_base) {
  retry_schedule s{"po_1", retry, poll};
  for (int i = 0; i < 6; ++i) s.after_failure_ms();
  s.on_success();
  EXPECT_EQ(s.failures(), 0U);
  EXPECT_LE(s.after_failure_ms(), retry.base_ms);
}

TEST(retry_schedule, the_failure_floor_is_never_undercut) {
  retry_schedule s{"po_1", retry, poll, 20};
  for (int i = 0; i < 200; ++i) EXPECT_GE(s.after_failure_ms(), 20U);
}

TEST(retry_schedule, undecided_attempts_follow_the_persisted_count) {
  retry_schedule s{"re_1", retry, poll};
  EXPECT_LE(s.after_attempt_ms(0), retry.base_ms);
  EXPECT_LE(s.after_attempt_ms(3), backoff_ceiling_ms(retry, 3));
  // Past the budget: the longest delay, no jitter.
  EXPECT_EQ(s.after_attempt_ms(4), retry.delay_ms_max);
  EXPECT_EQ(s.after_attempt_ms(40), retry.delay_ms_max);
}

TEST(retry_schedule, polls_double_from_the_base_up_to_the_cap) {
  retry_schedule s{"po_1", retry, poll};
  EXPECT_EQ(s.next_poll_ms(), 500U);
  EXPECT_EQ(s.next_poll_ms(), 1'000U);
  EXPECT_EQ(s.next_poll_ms(), 2'000U);
  for (int i = 0; i < 40; ++i) s.next_poll_ms();
  EXPECT_EQ(s.next_poll_ms(), 30'000U);
}

TEST(retry_schedule, news_restarts_polls_and_a_resumed_entity_goes_on) {
  retry_schedule s{"po_1", retry, poll};
  s.resume_polls(3);
  EXPECT_EQ(s.next_poll_ms(), 4'000U);
  s.restart_polls();
  EXPECT_EQ(s.next_poll_ms(), 500U);
}

TEST(retry_schedule, a_zero_poll_base_still_waits) {
  EXPECT_EQ(poll_delay_ms({0, 100}, 0), 1U);
}

}  // namespace
}  // namespace pay::domain
