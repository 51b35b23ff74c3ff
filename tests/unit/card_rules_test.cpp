// The card rules: what the checks and the PSP's risk score decide after an
// authorization, and how the rules are configured.

#include "domain/risk/card_rules.hpp"

#include <gtest/gtest.h>

namespace pay::domain {
namespace {

card_checks checks(std::string risk_level, std::string cvc = "pass",
                   std::int32_t score = 20) {
  card_checks c;
  c.cvc_check = std::move(cvc);
  c.address_line1_check = "pass";
  c.address_postal_code_check = "pass";
  c.risk_level = std::move(risk_level);
  c.risk_score = score;
  return c;
}

TEST(card_rules, a_clean_card_is_captured_and_no_rule_fires) {
  auto d = decide_card(default_card_rules(), checks("normal"));
  EXPECT_EQ(d.action, card_action::capture);
  EXPECT_TRUE(d.fired.empty());
}

TEST(card_rules, the_default_voids_highest_and_reviews_elevated_or_cvc_fail) {
  EXPECT_EQ(decide_card(default_card_rules(), checks("highest")).action,
            card_action::void_authorization);
  EXPECT_EQ(decide_card(default_card_rules(), checks("elevated")).action,
            card_action::review);
  EXPECT_EQ(decide_card(default_card_rules(), checks("normal", "fail")).action,
            card_action::review);
}

TEST(card_rules, the_strongest_action_wins_and_every_fired_rule_is_named) {
  auto d = decide_card(default_card_rules(), checks("highest", "fail"));
  EXPECT_EQ(d.action, card_action::void_authorization);
  std::vector<std::string> fired = {"risk_level_highest", "cvc_check_fail"};
  EXPECT_EQ(d.fired, fired);
}

TEST(card_rules, nothing_reported_decides_nothing) {
  auto d = decide_card(default_card_rules(), card_checks{});
  EXPECT_EQ(d.action, card_action::capture);
  EXPECT_EQ(card_assessment_json(card_checks{}, d), "");
}

TEST(card_rules, a_configured_score_threshold_fires_at_and_above_it) {
  std::string error;
  auto rules = parse_card_rules("risk_score_at_least_80:void", error);
  ASSERT_TRUE(rules) << error;
  EXPECT_EQ(decide_card(*rules, checks("normal", "pass", 79)).action,
            card_action::capture);
  EXPECT_EQ(decide_card(*rules, checks("normal", "pass", 80)).action,
            card_action::void_authorization);
  EXPECT_EQ(rule_name(rules->front()), "risk_score_at_least_80");
}

TEST(card_rules, configuration_is_trimmed_and_may_be_empty) {
  std::string error;
  auto rules = parse_card_rules(
    " address_postal_code_check_fail : review ,address_line1_check_fail:void ",
    error);
  ASSERT_TRUE(rules) << error;
  ASSERT_EQ(rules->size(), 2U);
  EXPECT_EQ(rules->at(1).action, card_action::void_authorization);
  auto none = parse_card_rules("  ", error);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST(card_rules, bad_configuration_is_refused_with_the_reason) {
  std::string error;
  EXPECT_FALSE(parse_card_rules("risk_level_highest", error));
  EXPECT_NE(error.find("name:action"), std::string::npos) << error;
  EXPECT_FALSE(parse_card_rules("risk_level_highest:block", error));
  EXPECT_NE(error.find("capture, review or void"), std::string::npos);
  EXPECT_FALSE(parse_card_rules("cvc_is_bad:review", error));
  EXPECT_NE(error.find("unknown card rule"), std::string::npos);
  EXPECT_FALSE(parse_card_rules("risk_score_at_least_100:void", error));
  EXPECT_FALSE(parse_card_rules("risk_score_at_least_:void", error));
}

TEST(card_rules, only_rules_that_review_or_void_need_an_authorization_first) {
  std::string error;
  EXPECT_TRUE(card_rules_may_hold(default_card_rules()));
  EXPECT_FALSE(card_rules_may_hold({}));
  EXPECT_FALSE(card_rules_may_hold(
    *parse_card_rules("risk_level_highest:capture", error)));
  EXPECT_TRUE(card_rules_may_hold(*parse_card_rules(
    "risk_level_highest:capture, risk_score_at_least_90:void", error)));
  EXPECT_TRUE(
    card_rules_may_hold(*parse_card_rules("cvc_check_fail:review", error)));
}

TEST(card_rules, the_stored_assessment_names_checks_risk_and_decision) {
  auto c = checks("elevated", "fail", 70);
  auto json = card_assessment_json(c, decide_card(default_card_rules(), c));
  EXPECT_EQ(json,
            R"({"checks":{"cvc_check":"fail","address_line1_check":"pass",)"
            R"("address_postal_code_check":"pass"},"risk_level":"elevated",)"
            R"("risk_score":70,"decision":{"action":"review","rules":)"
            R"(["risk_level_elevated","cvc_check_fail"]}})");
}

}  // namespace
}  // namespace pay::domain
