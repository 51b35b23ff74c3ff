#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "actors/reconcile/reconciliation_report.hpp"

namespace {

using namespace pay;
namespace json = boost::json;

domain::reconciliation_plan plan_with_one_exception() {
  domain::reconciliation_plan plan;
  plan.date = "2026-12-02";
  plan.counts = {3, 2, 0, 1, 0};
  domain::reconciliation_exception e;
  e.kind = domain::discrepancy_kind::missing_charge;
  e.route = domain::reconcile_route::queued;
  e.key = "missing_charge:po_1:0";
  e.our_id = "po_1";
  e.message = "po_1 is not in the file.";
  plan.exceptions.push_back(e);
  plan.totals_by_currency["USD"] = {2500, 133, 2367, 2};
  plan.totals_by_currency["JPY"] = {500, 45, 455, 1};
  return plan;
}

TEST(reconciliation_report_test,
     report_shows_counts_exceptions_and_totals_as_decimal_strings) {
  persistence::applied_plan applied;
  applied.run_id = 7;
  applied.new_exceptions = 1;
  applied.new_ledger_transactions = 2;
  auto text = render_reconciliation_report(plan_with_one_exception(), applied,
                                           "abc",
                                           run_timings_ms{1, 2, 3, 4, 5, 15});
  auto r = json::parse(text).as_object();
  EXPECT_EQ(r.at("run_id").as_int64(), 7);
  EXPECT_EQ(r.at("lines").as_int64(), 3);
  EXPECT_EQ(r.at("matched").as_int64(), 2);
  EXPECT_EQ(r.at("queued").as_int64(), 1);
  EXPECT_EQ(r.at("new_ledger_transactions").as_int64(), 2);
  EXPECT_EQ(r.at("by_kind").at("missing_charge").as_int64(), 1);
  EXPECT_EQ(r.at("exceptions").as_array().size(), 1u);
  EXPECT_EQ(r.at("exceptions").at(0).at("route").as_string(), "queued");
  EXPECT_EQ(r.at("totals").at("USD").at("gross").as_string(), "25.00");
  EXPECT_EQ(r.at("totals").at("JPY").at("net").as_string(), "455");
  // 3 lines in 15 ms: a whole number, no float on the wire.
  EXPECT_EQ(r.at("lines_per_s").to_number<std::int64_t>(), 200);
}

TEST(reconciliation_report_test, a_failed_run_says_why) {
  auto r =
    json::parse(render_failed_report("2026-12-02", "no file")).as_object();
  EXPECT_EQ(r.at("status").as_string(), "failed");
  EXPECT_EQ(r.at("error").as_string(), "no file");
}

}  // namespace
