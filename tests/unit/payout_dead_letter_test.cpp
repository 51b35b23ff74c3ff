// When a pay-out is parked, and what resolving its dead letter may do, entry
// by entry: money goes back to the seller only once it is back on the
// platform.

#include <gtest/gtest.h>

#include "domain/payout/payout_dead_letter.hpp"

namespace pay::domain {
namespace {

using S = payout_status;
using R = payout_resolve_step;
using V = payout_resolve_verdict;
using K = payout_kind;

constexpr std::uint32_t attempts_max = 5;
constexpr std::int64_t deadline_ms = 1'000;

TEST(payout_dead_letter, a_step_spends_its_budget_by_count_and_time) {
  for (auto status : {S::created, S::transferred, S::reversing}) {
    SCOPED_TRACE(to_db_string(status));
    EXPECT_FALSE(
      payout_budget_spent(status, 4, 10'000, attempts_max, deadline_ms));
    EXPECT_FALSE(
      payout_budget_spent(status, 40, 999, attempts_max, deadline_ms));
    EXPECT_TRUE(
      payout_budget_spent(status, 5, 1'000, attempts_max, deadline_ms));
    EXPECT_TRUE(payout_budget_spent(status, 5, -1, attempts_max, deadline_ms));
  }
}

TEST(payout_dead_letter, a_payout_in_transit_waits_for_the_provider) {
  for (auto status : {S::in_transit, S::paid, S::failed})
    EXPECT_FALSE(
      payout_budget_spent(status, 100, 100'000, attempts_max, deadline_ms))
      << to_db_string(status);
}

TEST(payout_dead_letter, each_status_resolves_the_way_its_money_allows) {
  EXPECT_EQ(payout_resolve_step_for(S::created, true, false), R::fail_now);
  EXPECT_EQ(payout_resolve_step_for(S::created, false, true), R::fail_now)
    << "no connected account: no transfer was ever asked for";
  EXPECT_EQ(payout_resolve_step_for(S::created, true, true), R::ask_transfer);
  EXPECT_EQ(payout_resolve_step_for(S::transferred, true, false),
            R::reverse_now);
  EXPECT_EQ(payout_resolve_step_for(S::transferred, true, true), R::ask_payout);
  EXPECT_EQ(payout_resolve_step_for(S::reversing, true, true),
            R::keep_reversing);
  EXPECT_EQ(payout_resolve_step_for(S::in_transit, true, false),
            R::refuse_in_transit);
  EXPECT_EQ(payout_resolve_step_for(S::paid, true, true), R::close_only);
  EXPECT_EQ(payout_resolve_step_for(S::failed, true, true), R::close_only);
}

TEST(payout_dead_letter, a_transfer_found_at_the_provider_refuses_the_fail) {
  EXPECT_EQ(payout_resolve_verdict_for(R::ask_transfer, K::absent), V::proceed);
  EXPECT_EQ(payout_resolve_verdict_for(R::ask_transfer, K::reversed),
            V::proceed);
  EXPECT_EQ(payout_resolve_verdict_for(R::ask_transfer, K::transferred),
            V::refuse_psp_acted);
  EXPECT_EQ(payout_resolve_verdict_for(R::ask_transfer, K::retry),
            V::refuse_psp_unknown);
  EXPECT_EQ(payout_resolve_verdict_for(R::ask_transfer, K::paid),
            V::refuse_psp_unknown);
}

TEST(payout_dead_letter, a_payout_found_on_the_account_refuses_the_reversal) {
  EXPECT_EQ(payout_resolve_verdict_for(R::ask_payout, K::absent), V::proceed);
  EXPECT_EQ(payout_resolve_verdict_for(R::ask_payout, K::failed), V::proceed);
  EXPECT_EQ(payout_resolve_verdict_for(R::ask_payout, K::pending),
            V::refuse_psp_acted);
  EXPECT_EQ(payout_resolve_verdict_for(R::ask_payout, K::paid),
            V::refuse_psp_acted);
  EXPECT_EQ(payout_resolve_verdict_for(R::ask_payout, K::retry),
            V::refuse_psp_unknown);
}

TEST(payout_dead_letter, a_lookup_that_proceeds_leads_to_its_step) {
  EXPECT_EQ(after_lookup(R::ask_transfer), R::fail_now);
  EXPECT_EQ(after_lookup(R::ask_payout), R::reverse_now);
  EXPECT_EQ(after_lookup(R::keep_reversing), R::keep_reversing);
}

}  // namespace
}  // namespace pay::domain
