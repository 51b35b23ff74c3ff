#include "domain/common/restart_budget.hpp"

#include <gtest/gtest.h>

namespace pay::domain {
namespace {

TEST(restart_budget, restarts_a_crashed_actor_up_to_its_budget_then_escalates) {
  restart_budget budget{3};
  EXPECT_EQ(budget.on_crash("po_1"), crash_verdict::restart);
  EXPECT_EQ(budget.on_crash("po_1"), crash_verdict::restart);
  EXPECT_EQ(budget.on_crash("po_1"), crash_verdict::restart);
  EXPECT_EQ(budget.crashes("po_1"), 3U);
  EXPECT_EQ(budget.on_crash("po_1"), crash_verdict::escalate);
}

TEST(restart_budget, counts_each_entity_on_its_own) {
  restart_budget budget{1};
  EXPECT_EQ(budget.on_crash("a"), crash_verdict::restart);
  EXPECT_EQ(budget.on_crash("b"), crash_verdict::restart);
  EXPECT_EQ(budget.on_crash("a"), crash_verdict::escalate);
  EXPECT_EQ(budget.crashes("b"), 1U);
}

TEST(restart_budget, zero_budget_escalates_the_first_crash) {
  restart_budget budget{0};
  EXPECT_EQ(budget.on_crash("a"), crash_verdict::escalate);
}

TEST(restart_budget, an_escalated_entity_starts_again_with_a_full_budget) {
  // A requeued order gets a new actor: its earlier crashes were dealt with.
  restart_budget budget{1};
  budget.on_crash("a");
  ASSERT_EQ(budget.on_crash("a"), crash_verdict::escalate);
  EXPECT_EQ(budget.crashes("a"), 0U);
  EXPECT_EQ(budget.on_crash("a"), crash_verdict::restart);
}

TEST(restart_budget, an_entity_that_ended_normally_is_forgotten) {
  restart_budget budget{2};
  budget.on_crash("a");
  budget.forget("a");
  EXPECT_EQ(budget.crashes("a"), 0U);
}

TEST(restart_budget, names_its_verdicts_for_metrics) {
  EXPECT_EQ(to_string(crash_verdict::restart), "restarted");
  EXPECT_EQ(to_string(crash_verdict::escalate), "escalated");
}

}  // namespace
}  // namespace pay::domain
