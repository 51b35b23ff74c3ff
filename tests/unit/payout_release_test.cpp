#include <gtest/gtest.h>

#include "domain/payout/payout_release.hpp"

namespace pay::domain {
namespace {

constexpr std::int64_t hold_s = 3600;

release_facts all_hold() { return release_facts{true, true, hold_s}; }

TEST(payout_release, releasable_once_fulfilled_settled_and_held_long_enough) {
  EXPECT_TRUE(is_releasable(all_hold(), hold_s));
  EXPECT_TRUE(is_releasable(release_facts{true, true, hold_s + 1}, hold_s));
}

TEST(payout_release, each_missing_condition_withholds_the_credit) {
  auto f = all_hold();
  f.fulfilled = false;
  EXPECT_FALSE(is_releasable(f, hold_s));
  f = all_hold();
  f.settled = false;
  EXPECT_FALSE(is_releasable(f, hold_s));
  f = all_hold();
  f.seconds_since_success = hold_s - 1;
  EXPECT_FALSE(is_releasable(f, hold_s));
}

TEST(payout_release, zero_hold_releases_at_once) {
  EXPECT_TRUE(is_releasable(release_facts{true, true, 0}, 0));
}

TEST(payout_release,
     split_releases_ready_credits_and_sums_the_rest_net_of_refunds) {
  std::vector<unreleased_credit> credits{
    {"po_ready", 1000, 0, all_hold()},
    {"po_unfulfilled", 500, 200, release_facts{false, true, hold_s}},
    {"po_unsettled", 300, 0, release_facts{true, false, hold_s}},
  };
  auto split = split_credits(credits, hold_s);
  EXPECT_EQ(split.releasable, std::vector<std::string>{"po_ready"});
  EXPECT_EQ(split.pending_minor, 300 + 300);
}

TEST(payout_release, a_fully_refunded_pending_credit_holds_nothing_back) {
  std::vector<unreleased_credit> credits{
    {"po_refunded", 500, 500, release_facts{false, false, 0}}};
  EXPECT_EQ(split_credits(credits, hold_s).pending_minor, 0);
}

TEST(payout_release, available_is_balance_minus_pending_and_may_be_negative) {
  EXPECT_EQ(available_minor(1000, 300), 700);
  EXPECT_EQ(available_minor(100, 300), -200);
}

}  // namespace
}  // namespace pay::domain
