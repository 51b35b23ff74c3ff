// When a refund is parked, and what resolving its dead letter may do, entry
// by entry.

#include <gtest/gtest.h>

#include "domain/refund/refund_dead_letter.hpp"

namespace pay::domain {
namespace {

constexpr std::uint32_t attempts_max = 5;
constexpr std::int64_t deadline_ms = 1'000;

TEST(refund_dead_letter, the_budget_is_spent_once_both_count_and_time_are) {
  auto spent = [](std::int32_t attempts, std::int64_t age_ms) {
    return refund_budget_spent(refund_status::created, attempts, age_ms,
                               attempts_max, deadline_ms);
  };
  EXPECT_FALSE(spent(4, 5'000)) << "the count is a floor";
  EXPECT_FALSE(spent(50, 999)) << "an outage shorter than the deadline";
  EXPECT_TRUE(spent(5, 1'000));
  EXPECT_TRUE(spent(9, 60'000));
  EXPECT_TRUE(spent(5, -1)) << "no first attempt recorded counts as old";
}

TEST(refund_dead_letter, only_a_created_refund_spends_the_budget) {
  for (auto status : {refund_status::pending, refund_status::succeeded,
                      refund_status::failed})
    EXPECT_FALSE(
      refund_budget_spent(status, 100, 100'000, attempts_max, deadline_ms))
      << to_db_string(status);
}

TEST(refund_dead_letter,
     a_created_refund_no_call_of_which_reached_the_psp_fails_at_once) {
  EXPECT_EQ(refund_resolve_step_for(refund_status::created, false),
            refund_resolve_step::fail_now);
}

TEST(refund_dead_letter, a_created_refund_that_may_exist_asks_the_psp_first) {
  EXPECT_EQ(refund_resolve_step_for(refund_status::created, true),
            refund_resolve_step::ask_psp);
}

TEST(refund_dead_letter, a_pending_refund_is_never_failed_by_an_operator) {
  for (bool maybe : {false, true})
    EXPECT_EQ(refund_resolve_step_for(refund_status::pending, maybe),
              refund_resolve_step::refuse_psp_holds_it);
}

TEST(refund_dead_letter, a_final_refund_only_closes_its_entry) {
  for (auto status : {refund_status::succeeded, refund_status::failed})
    EXPECT_EQ(refund_resolve_step_for(status, true),
              refund_resolve_step::close_only);
}

TEST(refund_dead_letter, the_psps_answer_decides_whether_it_may_fail) {
  EXPECT_EQ(refund_resolve_verdict_for(refund_kind::absent),
            refund_resolve_verdict::fail);
  EXPECT_EQ(refund_resolve_verdict_for(refund_kind::failed),
            refund_resolve_verdict::fail);
  EXPECT_EQ(refund_resolve_verdict_for(refund_kind::succeeded),
            refund_resolve_verdict::refuse_psp_made_it);
  EXPECT_EQ(refund_resolve_verdict_for(refund_kind::pending),
            refund_resolve_verdict::refuse_psp_made_it);
  EXPECT_EQ(refund_resolve_verdict_for(refund_kind::retry),
            refund_resolve_verdict::refuse_psp_unknown);
}

}  // namespace
}  // namespace pay::domain
