#include "tools/loadgen/run_stats.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace pay::loadgen {
namespace {

run_stats sample_stats() {
  run_stats s;
  s.checkouts_started = 10;
  s.checkouts_accepted = 8;
  s.checkouts_completed = 8;
  s.orders_completed = 16;
  s.orders_succeeded = 15;
  s.orders_failed = 1;
  s.accept_window_s = 2.0;
  s.completion_window_s = 4.0;
  s.accept.record_us(1'500);
  s.completion.record_us(20'000);
  s.errors["accept http_503"] = 2;
  return s;
}

TEST(RunStats, RatesDivideByTheirOwnWindows) {
  auto s = sample_stats();
  EXPECT_DOUBLE_EQ(accepted_per_s(s), 4.0);
  EXPECT_DOUBLE_EQ(completed_orders_per_s(s), 4.0);
  s.completion_window_s = 0;
  EXPECT_DOUBLE_EQ(completed_orders_per_s(s), 0.0);
}

TEST(RunStats, JsonLineCarriesWhatScriptsRead) {
  run_description d;
  d.run_id = "r";
  d.concurrency = 1000;
  d.invariants = invariant_state::ok;
  auto line = render_json_line(sample_stats(), d);
  ASSERT_EQ(line.rfind("loadgen-json: ", 0), 0u);
  auto o = boost::json::parse(line.substr(14)).as_object();
  EXPECT_EQ(o.at("completed_orders_per_s").as_double(), 4.0);
  EXPECT_EQ(o.at("accept_ms").at("p99").as_double(), 1.5);
  EXPECT_EQ(o.at("errors").at("accept http_503").to_number<std::uint64_t>(),
            2u);
  EXPECT_EQ(o.at("invariants").as_string(), "ok");
  EXPECT_EQ(o.at("mode").as_string(), "closed");
  // Plain decimals, never exponent notation: scripts read them with sed.
  EXPECT_NE(line.find("\"completed_orders_per_s\":4.0,"), std::string::npos);
  EXPECT_NE(line.find("\"p99\":1.50,"), std::string::npos);
  EXPECT_EQ(line.find('E'), std::string::npos);
}

TEST(RunStats, TableListsEveryViolation) {
  run_description d;
  d.invariants = invariant_state::violated;
  d.violations = {"1. x: tx 1", "4. y: key charged twice"};
  auto table = render_table(sample_stats(), d);
  EXPECT_NE(table.find("invariants: 2 violated"), std::string::npos);
  EXPECT_NE(table.find("4. y: key charged twice"), std::string::npos);
  EXPECT_NE(table.find("accept http_503  2"), std::string::npos);
  d.invariants = invariant_state::ok;
  EXPECT_NE(render_table(sample_stats(), d).find("invariants: ok"),
            std::string::npos);
}

TEST(RunStats, ErrorNamesAreStableWords) {
  EXPECT_EQ(error_name(error_kind::http_status, 503), "http_503");
  EXPECT_EQ(error_name(error_kind::connect, 0), "connect");
  EXPECT_EQ(error_name(error_kind::timeout, 0), "timeout");
  EXPECT_EQ(error_name(error_kind::completion_timeout, 0),
            "completion_timeout");
}

}  // namespace
}  // namespace pay::loadgen
