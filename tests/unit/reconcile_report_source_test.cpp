// The run's report says where its lines came from.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "actors/reconcile/reconciliation_report.hpp"

namespace pay {
namespace {

namespace json = boost::json;

json::object report_with(const settlement_source_facts& facts) {
  domain::reconciliation_plan plan;
  plan.date = "2026-03-01";
  return json::parse(render_reconciliation_report(plan, {}, "abc", {}, facts))
    .as_object();
}

TEST(reconcile_report_source_test,
     the_report_names_the_source_its_pages_and_what_it_skipped) {
  settlement_source_facts facts;
  facts.name = "balance_transactions";
  facts.pages = 3;
  facts.skipped_by_type = {{"adjustment", 1}, {"transfer", 2}};
  auto source = report_with(facts).at("source").as_object();
  EXPECT_EQ(source.at("name").as_string(), "balance_transactions");
  EXPECT_EQ(source.at("pages").as_int64(), 3);
  const auto& skipped = source.at("skipped").as_object();
  EXPECT_EQ(skipped.size(), 2u);
  EXPECT_EQ(skipped.at("adjustment").as_int64(), 1);
  EXPECT_EQ(skipped.at("transfer").as_int64(), 2);
}

TEST(reconcile_report_source_test, a_csv_file_skips_nothing) {
  settlement_source_facts facts;
  facts.name = "settlement_csv";
  facts.pages = 1;
  auto source = report_with(facts).at("source").as_object();
  EXPECT_EQ(source.at("name").as_string(), "settlement_csv");
  EXPECT_TRUE(source.at("skipped").as_object().empty());
}

}  // namespace
}  // namespace pay
