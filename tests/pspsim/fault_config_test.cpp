// The fault configuration's JSON: what is accepted, what is refused and why.
#include "pspsim/fault_config.hpp"

#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace pay::pspsim {
namespace {

TEST(fault_config, empty_object_is_all_off_with_the_default_hold) {
  const auto parsed = parse_fault_config("{}");
  ASSERT_TRUE(parsed.config) << parsed.error.message;
  const fault_config& c = *parsed.config;
  EXPECT_EQ(c.seed, 0u);
  for (const fault_kind kind : fault_kinds_in_draw_order) {
    EXPECT_EQ(c.probability(kind), 0.0) << to_string(kind);
  }
  EXPECT_EQ(c.latency_ms, 0u);
  EXPECT_EQ(c.latency_jitter_ms, 0u);
  EXPECT_EQ(c.hold_ms, hold_ms_default);
  EXPECT_FALSE(c.active());
}

TEST(fault_config, every_documented_field_is_read) {
  const auto parsed = parse_fault_config(
    R"({"seed":42,"error_500":0.05,"error_429":0.1,"latency_ms":5,
          "latency_jitter_ms":7,"reset_before_commit":0.02,
          "reset_after_commit":0.03,"timeout_after_commit":1,"hold_ms":250,
          "duplicate_processing":0})");
  ASSERT_TRUE(parsed.config) << parsed.error.message;
  const fault_config& c = *parsed.config;
  EXPECT_EQ(c.seed, 42u);
  EXPECT_EQ(c.probability(fault_kind::error_500), 0.05);
  EXPECT_EQ(c.probability(fault_kind::error_429), 0.1);
  EXPECT_EQ(c.probability(fault_kind::reset_before_commit), 0.02);
  EXPECT_EQ(c.probability(fault_kind::reset_after_commit), 0.03);
  EXPECT_EQ(c.probability(fault_kind::timeout_after_commit), 1.0);
  EXPECT_EQ(c.probability(fault_kind::duplicate_processing), 0.0);
  EXPECT_EQ(c.latency_ms, 5u);
  EXPECT_EQ(c.latency_jitter_ms, 7u);
  EXPECT_EQ(c.hold_ms, 250u);
  EXPECT_TRUE(c.active());
}

TEST(fault_config, latency_alone_makes_the_config_active) {
  const auto parsed = parse_fault_config(R"({"latency_jitter_ms":1})");
  ASSERT_TRUE(parsed.config);
  EXPECT_TRUE(parsed.config->active());
}

TEST(fault_config, largest_seed_is_accepted) {
  const auto parsed = parse_fault_config(R"({"seed":18446744073709551615})");
  ASSERT_TRUE(parsed.config) << parsed.error.message;
  EXPECT_EQ(parsed.config->seed, 18446744073709551615u);
}

TEST(fault_config, bad_values_are_refused_naming_the_field) {
  const std::vector<std::pair<std::string, std::string>> cases{
    {R"({"error_500":1.5})", "error_500"},
    {R"({"error_429":-0.1})", "error_429"},
    {R"({"reset_after_commit":"0.5"})", "reset_after_commit"},
    {R"({"duplicate_processing":null})", "duplicate_processing"},
    {R"({"seed":-1})", "seed"},
    {R"({"seed":4.5})", "seed"},
    {R"({"latency_ms":600001})", "latency_ms"},
    {R"({"latency_jitter_ms":1.5})", "latency_jitter_ms"},
    {R"({"hold_ms":-1})", "hold_ms"}};
  for (const auto& [json, param] : cases) {
    const auto parsed = parse_fault_config(json);
    EXPECT_FALSE(parsed.config) << json;
    EXPECT_EQ(parsed.error.code, "parameter_invalid") << json;
    EXPECT_EQ(parsed.error.param, param) << json;
  }
}

TEST(fault_config, limits_themselves_are_accepted) {
  const auto parsed = parse_fault_config(
    R"({"error_500":1,"error_429":0,"latency_ms":600000,"hold_ms":600000})");
  ASSERT_TRUE(parsed.config) << parsed.error.message;
  EXPECT_EQ(parsed.config->latency_ms, fault_delay_ms_max);
}

TEST(fault_config, an_unknown_field_is_refused_so_typos_cannot_hide) {
  const auto parsed = parse_fault_config(R"({"error500":1})");
  EXPECT_FALSE(parsed.config);
  EXPECT_EQ(parsed.error.code, "parameter_unknown");
  EXPECT_EQ(parsed.error.param, "error500");
}

TEST(fault_config, a_body_that_is_not_a_json_object_is_refused) {
  for (const std::string body :
       {"", "not json", "[1,2]", "0.5", "{\"seed\":"}) {
    const auto parsed = parse_fault_config(body);
    EXPECT_FALSE(parsed.config) << body;
    EXPECT_EQ(parsed.error.code, "body_invalid") << body;
    EXPECT_EQ(parsed.error.param, "") << body;
  }
}

TEST(fault_config, json_round_trips_every_field) {
  fault_config c;
  c.seed = 7;
  c.set_probability(fault_kind::error_429, 0.25);
  c.set_probability(fault_kind::duplicate_processing, 1.0);
  c.latency_ms = 3;
  c.latency_jitter_ms = 4;
  c.hold_ms = 5;
  const auto json = boost::json::serialize(fault_config_to_json(c));
  const auto parsed = parse_fault_config(json);
  ASSERT_TRUE(parsed.config) << json;
  EXPECT_EQ(parsed.config->seed, 7u);
  EXPECT_EQ(parsed.config->probabilities, c.probabilities);
  EXPECT_EQ(parsed.config->latency_ms, 3u);
  EXPECT_EQ(parsed.config->latency_jitter_ms, 4u);
  EXPECT_EQ(parsed.config->hold_ms, 5u);
}

TEST(fault_config, reads_get_only_the_faults_that_act_before_any_work) {
  constexpr auto read = fault_target::read_intent;
  EXPECT_TRUE(fault_applies(fault_kind::error_500, read));
  EXPECT_TRUE(fault_applies(fault_kind::error_429, read));
  EXPECT_TRUE(fault_applies(fault_kind::reset_before_commit, read));
  EXPECT_FALSE(fault_applies(fault_kind::reset_after_commit, read));
  EXPECT_FALSE(fault_applies(fault_kind::timeout_after_commit, read));
  EXPECT_FALSE(fault_applies(fault_kind::duplicate_processing, read));
  for (const fault_kind kind : fault_kinds_in_draw_order) {
    EXPECT_TRUE(fault_applies(kind, fault_target::create_intent));
  }
  EXPECT_FALSE(fault_applies(fault_kind::none, fault_target::create_intent));
}

}  // namespace
}  // namespace pay::pspsim
