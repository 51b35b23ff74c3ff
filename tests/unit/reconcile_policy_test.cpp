#include <gtest/gtest.h>

#include <set>
#include <string>

#include "domain/reconcile/reconcile_policy.hpp"

namespace {

using pay::domain::discrepancy_kind;
using pay::domain::line_booking;
using pay::domain::policy_case;
using pay::domain::policy_case_count;
using pay::domain::policy_for;
using pay::domain::reconcile_policy;
using pay::domain::reconcile_route;

TEST(reconcile_policy_test, table_has_one_documented_row_per_case_in_order) {
  const auto& table = reconcile_policy();
  ASSERT_EQ(table.size(), policy_case_count);
  std::set<std::string> names;
  for (std::size_t i = 0; i < table.size(); ++i) {
    EXPECT_EQ(static_cast<std::size_t>(table[i].which), i);
    EXPECT_EQ(&policy_for(table[i].which), &table[i]);
    EXPECT_FALSE(table[i].when.empty()) << to_string(table[i].which);
    EXPECT_FALSE(table[i].action.empty()) << to_string(table[i].which);
    names.insert(std::string{to_string(table[i].which)});
  }
  EXPECT_EQ(names.size(), policy_case_count);
}

struct expected_row {
  policy_case which;
  discrepancy_kind kind;
  reconcile_route route;
  line_booking booking;
  bool settles;
  bool polls;
};

TEST(reconcile_policy_test, each_case_routes_and_books_as_the_policy_says) {
  using pc = policy_case;
  using dk = discrepancy_kind;
  using rr = reconcile_route;
  using lb = line_booking;
  const expected_row rows[] = {
    {pc::matched, dk::matched, rr::matched, lb::receivable, true, false},
    {pc::fee_mismatch, dk::fee_mismatch, rr::auto_corrected, lb::receivable,
     true, false},
    {pc::status_mismatch_order_unfinished, dk::status_mismatch, rr::queued,
     lb::suspense, false, true},
    {pc::status_mismatch_order_failed, dk::status_mismatch, rr::escalated,
     lb::suspense, false, false},
    {pc::status_mismatch_refund_or_payout, dk::status_mismatch, rr::queued,
     lb::suspense, false, false},
    {pc::amount_mismatch, dk::amount_mismatch, rr::escalated, lb::suspense,
     false, false},
    {pc::currency_mismatch, dk::currency_mismatch, rr::escalated, lb::suspense,
     false, false},
    {pc::duplicate_line, dk::duplicate_line, rr::queued, lb::suspense, false,
     false},
    {pc::unknown_charge, dk::unknown_charge, rr::escalated, lb::suspense, false,
     false},
    {pc::unknown_reference, dk::unknown_reference, rr::escalated, lb::suspense,
     false, false},
    {pc::missing_charge, dk::missing_charge, rr::queued, lb::none, false,
     false},
    {pc::totals_mismatch, dk::totals_mismatch, rr::escalated, lb::none, false,
     false},
  };
  ASSERT_EQ(std::size(rows), policy_case_count);
  for (const auto& want : rows) {
    const auto& row = policy_for(want.which);
    SCOPED_TRACE(std::string{to_string(want.which)});
    EXPECT_EQ(row.kind, want.kind);
    EXPECT_EQ(row.route, want.route);
    EXPECT_EQ(row.booking, want.booking);
    EXPECT_EQ(row.settles_our_record, want.settles);
    EXPECT_EQ(row.polls_psp, want.polls);
  }
}

TEST(reconcile_policy_test, only_the_matched_kind_has_the_matched_route) {
  for (const auto& row : reconcile_policy())
    EXPECT_EQ(row.kind == discrepancy_kind::matched,
              row.route == reconcile_route::matched)
      << to_string(row.which);
}

TEST(reconcile_policy_test, names_are_stable_snake_case) {
  EXPECT_EQ(to_string(discrepancy_kind::matched), "matched");
  EXPECT_EQ(to_string(discrepancy_kind::fee_mismatch), "fee_mismatch");
  EXPECT_EQ(to_string(discrepancy_kind::status_mismatch), "status_mismatch");
  EXPECT_EQ(to_string(discrepancy_kind::amount_mismatch), "amount_mismatch");
  EXPECT_EQ(to_string(discrepancy_kind::currency_mismatch),
            "currency_mismatch");
  EXPECT_EQ(to_string(discrepancy_kind::duplicate_line), "duplicate_line");
  EXPECT_EQ(to_string(discrepancy_kind::unknown_charge), "unknown_charge");
  EXPECT_EQ(to_string(discrepancy_kind::missing_charge), "missing_charge");
  EXPECT_EQ(to_string(discrepancy_kind::unknown_reference),
            "unknown_reference");
  EXPECT_EQ(to_string(discrepancy_kind::totals_mismatch), "totals_mismatch");
  EXPECT_EQ(to_string(reconcile_route::matched), "matched");
  EXPECT_EQ(to_string(reconcile_route::auto_corrected), "auto_corrected");
  EXPECT_EQ(to_string(reconcile_route::queued), "queued");
  EXPECT_EQ(to_string(reconcile_route::escalated), "escalated");
  EXPECT_EQ(to_string(line_booking::none), "none");
  EXPECT_EQ(to_string(line_booking::receivable), "receivable");
  EXPECT_EQ(to_string(line_booking::suspense), "suspense");
  EXPECT_EQ(to_string(policy_case::status_mismatch_order_failed),
            "status_mismatch_order_failed");
}

TEST(reconcile_policy_test, stored_numbers_never_change) {
  EXPECT_EQ(static_cast<int>(discrepancy_kind::fee_mismatch), 1);
  EXPECT_EQ(static_cast<int>(discrepancy_kind::totals_mismatch), 9);
  EXPECT_EQ(static_cast<int>(reconcile_route::escalated), 3);
}

}  // namespace
