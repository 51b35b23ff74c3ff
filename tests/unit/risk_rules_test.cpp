#include "domain/risk/risk_rules.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace pay::domain {
namespace {

risk_facts buyer(std::string account_id, std::string email,
                 std::string country) {
  risk_facts f;
  f.account_id = std::move(account_id);
  f.email = std::move(email);
  f.country = std::move(country);
  f.orders = {{"USD", 1000}};
  f.recent_checkouts = 1;
  return f;
}

risk_facts ordinary_buyer() {
  return buyer("acct_ok", "ada@example.com", "GB");
}

risk_facts with_orders(std::vector<risk_order> orders) {
  risk_facts f = ordinary_buyer();
  f.orders = std::move(orders);
  return f;
}

risk_facts with_recent(std::uint32_t recent_checkouts) {
  risk_facts f = ordinary_buyer();
  f.recent_checkouts = recent_checkouts;
  return f;
}

std::vector<risk_rule> fired(const risk_decision& d) {
  std::vector<risk_rule> out;
  for (const fired_rule& r : d.rules) out.push_back(r.rule);
  return out;
}

// ---- defaults --------------------------------------------------------------

TEST(risk_rules_test, default_rules_allow_everything) {
  risk_facts f = buyer("acct_1", "x@evil.com", "KP");
  f.orders = {{"USD", 9'000'000'000'000}, {"JPY", 1}};
  f.recent_checkouts = 1'000'000;
  const risk_decision d = evaluate_risk(risk_rules{}, f);
  EXPECT_EQ(d.verdict, risk_verdict::allow);
  EXPECT_TRUE(d.rules.empty());
}

TEST(risk_rules_test,
     default_rules_count_as_no_rule_so_checkouts_are_allowed_at_insert) {
  EXPECT_FALSE(has_any_rule(risk_rules{}));
  // The velocity window alone decides nothing: only its counts do.
  risk_rules window_only;
  window_only.velocity_window_s = 60;
  EXPECT_FALSE(has_any_rule(window_only));
}

TEST(risk_rules_test, any_single_configured_rule_counts) {
  std::vector<risk_rules> one_each(9);
  one_each[0].block_amount_minor["USD"] = 1;
  one_each[1].review_amount_minor["USD"] = 1;
  one_each[2].velocity_review_count = 3;
  one_each[3].velocity_block_count = 5;
  one_each[4].blocked_accounts.insert("acct_x");
  one_each[5].blocked_email_domains.insert("evil.com");
  one_each[6].review_email_domains.insert("odd.com");
  one_each[7].blocked_countries.insert("KP");
  one_each[8].review_countries.insert("NG");
  for (std::size_t i = 0; i < one_each.size(); ++i)
    EXPECT_TRUE(has_any_rule(one_each[i])) << "rule " << i;
}

// ---- amounts ---------------------------------------------------------------

TEST(risk_rules_test, order_at_the_block_amount_is_allowed) {
  risk_rules rules;
  rules.block_amount_minor = {{"USD", 500'000}};
  EXPECT_EQ(evaluate_risk(rules, with_orders({{"USD", 500'000}})).verdict,
            risk_verdict::allow);
}

TEST(risk_rules_test, order_above_the_block_amount_is_blocked) {
  risk_rules rules;
  rules.block_amount_minor = {{"USD", 500'000}};
  const risk_decision d = evaluate_risk(rules, with_orders({{"USD", 500'001}}));
  EXPECT_EQ(d.verdict, risk_verdict::block);
  ASSERT_EQ(d.rules.size(), 1u);
  EXPECT_EQ(d.rules[0].rule, risk_rule::max_amount);
  EXPECT_EQ(d.rules[0].verdict, risk_verdict::block);
  EXPECT_EQ(d.rules[0].detail,
            "payment_orders[0]: 5000.01 USD is above the block limit "
            "5000.00 USD");
}

TEST(risk_rules_test, amount_limit_applies_only_to_its_currency) {
  risk_rules rules;
  rules.block_amount_minor = {{"USD", 100}};
  EXPECT_EQ(evaluate_risk(rules, with_orders({{"EUR", 1'000'000}})).verdict,
            risk_verdict::allow);
}

TEST(risk_rules_test, amount_limit_uses_the_currency_exponent_in_detail) {
  risk_rules rules;
  rules.block_amount_minor = {{"JPY", 500'000}};
  const risk_decision d = evaluate_risk(rules, with_orders({{"JPY", 600'000}}));
  ASSERT_EQ(d.rules.size(), 1u);
  EXPECT_EQ(d.rules[0].detail,
            "payment_orders[0]: 600000 JPY is above the block limit "
            "500000 JPY");
}

TEST(risk_rules_test, order_at_the_review_amount_is_allowed) {
  risk_rules rules;
  rules.review_amount_minor = {{"EUR", 100'000}};
  EXPECT_EQ(evaluate_risk(rules, with_orders({{"EUR", 100'000}})).verdict,
            risk_verdict::allow);
}

TEST(risk_rules_test, order_above_the_review_amount_is_reviewed) {
  risk_rules rules;
  rules.review_amount_minor = {{"EUR", 100'000}};
  const risk_decision d = evaluate_risk(rules, with_orders({{"EUR", 100'001}}));
  EXPECT_EQ(d.verdict, risk_verdict::review);
  EXPECT_EQ(fired(d), std::vector<risk_rule>{risk_rule::review_amount});
  EXPECT_EQ(d.rules[0].verdict, risk_verdict::review);
}

TEST(risk_rules_test, every_order_above_the_limit_is_listed_by_index) {
  risk_rules rules;
  rules.review_amount_minor = {{"USD", 1000}};
  const risk_decision d = evaluate_risk(
    rules, with_orders({{"USD", 2000}, {"USD", 500}, {"USD", 3000}}));
  ASSERT_EQ(d.rules.size(), 2u);
  EXPECT_EQ(d.rules[0].detail.rfind("payment_orders[0]:", 0), 0u);
  EXPECT_EQ(d.rules[1].detail.rfind("payment_orders[2]:", 0), 0u);
}

TEST(risk_rules_test, order_above_both_amounts_lists_both_rules_and_blocks) {
  risk_rules rules;
  rules.block_amount_minor = {{"USD", 5000}};
  rules.review_amount_minor = {{"USD", 1000}};
  const risk_decision d = evaluate_risk(rules, with_orders({{"USD", 6000}}));
  EXPECT_EQ(d.verdict, risk_verdict::block);
  EXPECT_EQ(fired(d), (std::vector<risk_rule>{risk_rule::max_amount,
                                              risk_rule::review_amount}));
}

// ---- velocity --------------------------------------------------------------

risk_rules velocity_rules(std::uint32_t review, std::uint32_t block) {
  risk_rules rules;
  rules.velocity_window_s = 600;
  rules.velocity_review_count = review;
  rules.velocity_block_count = block;
  return rules;
}

TEST(risk_rules_test, velocity_below_the_review_count_is_allowed) {
  EXPECT_EQ(evaluate_risk(velocity_rules(3, 5), with_recent(2)).verdict,
            risk_verdict::allow);
}

TEST(risk_rules_test, velocity_at_the_review_count_is_reviewed) {
  const risk_decision d = evaluate_risk(velocity_rules(3, 5), with_recent(3));
  EXPECT_EQ(d.verdict, risk_verdict::review);
  ASSERT_EQ(fired(d), std::vector<risk_rule>{risk_rule::velocity});
  EXPECT_EQ(d.rules[0].detail,
            "3 checkouts by this buyer in the last 600 s, reviewed from 3");
}

TEST(risk_rules_test, velocity_at_the_block_count_is_blocked_once) {
  const risk_decision d = evaluate_risk(velocity_rules(3, 5), with_recent(5));
  EXPECT_EQ(d.verdict, risk_verdict::block);
  ASSERT_EQ(fired(d), std::vector<risk_rule>{risk_rule::velocity});
  EXPECT_EQ(d.rules[0].verdict, risk_verdict::block);
  EXPECT_EQ(d.rules[0].detail,
            "5 checkouts by this buyer in the last 600 s, blocked from 5");
}

TEST(risk_rules_test, velocity_count_zero_disables_that_threshold) {
  EXPECT_EQ(evaluate_risk(velocity_rules(0, 5), with_recent(4)).verdict,
            risk_verdict::allow);
  EXPECT_EQ(evaluate_risk(velocity_rules(0, 5), with_recent(5)).verdict,
            risk_verdict::block);
  EXPECT_EQ(evaluate_risk(velocity_rules(3, 0), with_recent(1'000)).verdict,
            risk_verdict::review);
  EXPECT_EQ(evaluate_risk(velocity_rules(0, 0), with_recent(1'000)).verdict,
            risk_verdict::allow);
}

// ---- accounts --------------------------------------------------------------

TEST(risk_rules_test, blocked_account_is_blocked) {
  risk_rules rules;
  rules.blocked_accounts = {"acct_bad"};
  const risk_decision d = evaluate_risk(rules, buyer("acct_bad", "", ""));
  EXPECT_EQ(d.verdict, risk_verdict::block);
  EXPECT_EQ(fired(d), std::vector<risk_rule>{risk_rule::blocked_account});
  EXPECT_EQ(d.rules[0].detail, "buyer account 'acct_bad' is blocked");
}

TEST(risk_rules_test, other_and_missing_accounts_are_allowed) {
  risk_rules rules;
  rules.blocked_accounts = {"acct_bad"};
  EXPECT_EQ(evaluate_risk(rules, buyer("acct_good", "", "")).verdict,
            risk_verdict::allow);
  EXPECT_EQ(evaluate_risk(rules, buyer("ACCT_BAD", "", "")).verdict,
            risk_verdict::allow);
  EXPECT_EQ(evaluate_risk(rules, buyer("", "", "")).verdict,
            risk_verdict::allow);
}

// ---- e-mail domains --------------------------------------------------------

risk_verdict email_verdict(const risk_rules& rules, std::string email) {
  return evaluate_risk(rules, buyer("", std::move(email), "")).verdict;
}

TEST(risk_rules_test, blocked_email_domain_blocks_exact_domain_any_case) {
  risk_rules rules;
  rules.blocked_email_domains = {"evil.com"};
  EXPECT_EQ(email_verdict(rules, "x@evil.com"), risk_verdict::block);
  EXPECT_EQ(email_verdict(rules, "x@EVIL.Com"), risk_verdict::block);
  EXPECT_EQ(email_verdict(rules, "x@evil.com."), risk_verdict::block);
}

TEST(risk_rules_test, blocked_email_domain_blocks_its_subdomains) {
  risk_rules rules;
  rules.blocked_email_domains = {"evil.com"};
  const risk_decision d = evaluate_risk(rules,
                                        buyer("", "x@Mail.Evil.com", ""));
  EXPECT_EQ(d.verdict, risk_verdict::block);
  ASSERT_EQ(fired(d), std::vector<risk_rule>{risk_rule::blocked_email_domain});
  EXPECT_EQ(d.rules[0].detail,
            "e-mail domain 'mail.evil.com' is under 'evil.com', listed for "
            "block");
}

TEST(risk_rules_test, email_domain_rules_do_not_match_lookalike_domains) {
  risk_rules rules;
  rules.blocked_email_domains = {"evil.com"};
  EXPECT_EQ(email_verdict(rules, "x@notevil.com"), risk_verdict::allow);
  EXPECT_EQ(email_verdict(rules, "x@evil.com.example.org"),
            risk_verdict::allow);
  EXPECT_EQ(email_verdict(rules, "evil.com@example.org"), risk_verdict::allow);
  EXPECT_EQ(email_verdict(rules, "x@evil.co"), risk_verdict::allow);
}

TEST(risk_rules_test, missing_or_malformed_email_is_allowed) {
  risk_rules rules;
  rules.blocked_email_domains = {"evil.com"};
  EXPECT_EQ(email_verdict(rules, ""), risk_verdict::allow);
  EXPECT_EQ(email_verdict(rules, "evil.com"), risk_verdict::allow);
}

TEST(risk_rules_test, review_email_domain_is_reviewed) {
  risk_rules rules;
  rules.review_email_domains = {"mailinator.com"};
  const risk_decision d = evaluate_risk(rules,
                                        buyer("", "x@mailinator.com", ""));
  EXPECT_EQ(d.verdict, risk_verdict::review);
  ASSERT_EQ(fired(d), std::vector<risk_rule>{risk_rule::review_email_domain});
  EXPECT_EQ(d.rules[0].detail,
            "e-mail domain 'mailinator.com' is 'mailinator.com', listed for "
            "review");
  EXPECT_EQ(email_verdict(rules, "x@example.com"), risk_verdict::allow);
}

// ---- countries -------------------------------------------------------------

TEST(risk_rules_test, blocked_country_is_blocked) {
  risk_rules rules;
  rules.blocked_countries = {"KP"};
  const risk_decision d = evaluate_risk(rules, buyer("", "", "KP"));
  EXPECT_EQ(d.verdict, risk_verdict::block);
  EXPECT_EQ(fired(d), std::vector<risk_rule>{risk_rule::blocked_country});
  EXPECT_EQ(d.rules[0].detail, "country 'KP' is listed for block");
  EXPECT_EQ(evaluate_risk(rules, buyer("", "", "GB")).verdict,
            risk_verdict::allow);
  EXPECT_EQ(evaluate_risk(rules, buyer("", "", "")).verdict,
            risk_verdict::allow);
}

TEST(risk_rules_test, review_country_is_reviewed) {
  risk_rules rules;
  rules.review_countries = {"NG"};
  const risk_decision d = evaluate_risk(rules, buyer("", "", "NG"));
  EXPECT_EQ(d.verdict, risk_verdict::review);
  EXPECT_EQ(fired(d), std::vector<risk_rule>{risk_rule::review_country});
  EXPECT_EQ(evaluate_risk(rules, buyer("", "", "GB")).verdict,
            risk_verdict::allow);
}

TEST(risk_rules_test, country_from_buyer_info_matches_in_any_case) {
  risk_rules rules;
  rules.blocked_countries = {"KP"};
  const risk_facts f = facts_from_buyer_info(R"({"address":{"country":"kp"}})",
                                             {{"USD", 100}}, 1);
  EXPECT_EQ(evaluate_risk(rules, f).verdict, risk_verdict::block);
}

// ---- combining -------------------------------------------------------------

TEST(risk_rules_test, block_beats_review_whatever_the_order) {
  risk_rules rules;
  rules.review_amount_minor = {{"USD", 10}};  // fires first, asks review
  rules.blocked_countries = {"KP"};           // fires last, asks block
  const risk_decision d = evaluate_risk(rules, buyer("", "", "KP"));
  EXPECT_EQ(d.verdict, risk_verdict::block);
  EXPECT_EQ(fired(d), (std::vector<risk_rule>{risk_rule::review_amount,
                                              risk_rule::blocked_country}));
}

TEST(risk_rules_test, several_reviews_stay_a_review) {
  risk_rules rules;
  rules.review_countries = {"GB"};
  rules.review_email_domains = {"example.com"};
  const risk_decision d = evaluate_risk(rules, ordinary_buyer());
  EXPECT_EQ(d.verdict, risk_verdict::review);
  EXPECT_EQ(d.rules.size(), 2u);
}

TEST(risk_rules_test, every_fired_rule_is_listed_in_the_documented_order) {
  risk_rules rules;
  rules.block_amount_minor = {{"USD", 5000}};
  rules.review_amount_minor = {{"USD", 1000}};
  rules.velocity_review_count = 2;
  rules.blocked_accounts = {"acct_bad"};
  rules.blocked_email_domains = {"evil.com"};
  rules.review_email_domains = {"mail.evil.com"};
  rules.blocked_countries = {"KP"};
  rules.review_countries = {"KP"};
  risk_facts f = buyer("acct_bad", "x@mail.evil.com", "KP");
  f.orders = {{"USD", 6000}};
  f.recent_checkouts = 2;
  const risk_decision d = evaluate_risk(rules, f);
  EXPECT_EQ(d.verdict, risk_verdict::block);
  EXPECT_EQ(fired(d),
            (std::vector<risk_rule>{
              risk_rule::max_amount, risk_rule::review_amount,
              risk_rule::velocity, risk_rule::blocked_account,
              risk_rule::blocked_email_domain, risk_rule::review_email_domain,
              risk_rule::blocked_country, risk_rule::review_country}));
}

TEST(risk_rules_test, same_input_gives_the_same_decision) {
  risk_rules rules;
  rules.blocked_email_domains = {"evil.com", "mail.evil.com", "a.com"};
  const risk_facts f = buyer("", "x@mail.evil.com", "");
  const std::string first = risk_decision_json(evaluate_risk(rules, f));
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(risk_decision_json(evaluate_risk(rules, f)), first);
  }
  // The sorted set puts "evil.com" first; only one entry per rule.
  EXPECT_NE(first.find("is under 'evil.com'"), std::string::npos) << first;
}

// ---- names and JSON --------------------------------------------------------

TEST(risk_rules_test, verdict_names_round_trip) {
  for (risk_verdict v :
       {risk_verdict::allow, risk_verdict::review, risk_verdict::block}) {
    EXPECT_EQ(parse_risk_verdict(to_string(v)), v);
  }
  EXPECT_EQ(to_string(risk_verdict::review), "review");
  EXPECT_EQ(parse_risk_verdict("Block"), std::nullopt);
  EXPECT_EQ(parse_risk_verdict(""), std::nullopt);
}

TEST(risk_rules_test, rule_names_are_the_documented_snake_case) {
  EXPECT_EQ(to_string(risk_rule::max_amount), "max_amount");
  EXPECT_EQ(to_string(risk_rule::review_amount), "review_amount");
  EXPECT_EQ(to_string(risk_rule::velocity), "velocity");
  EXPECT_EQ(to_string(risk_rule::blocked_account), "blocked_account");
  EXPECT_EQ(to_string(risk_rule::blocked_email_domain), "blocked_email_domain");
  EXPECT_EQ(to_string(risk_rule::review_email_domain), "review_email_domain");
  EXPECT_EQ(to_string(risk_rule::blocked_country), "blocked_country");
  EXPECT_EQ(to_string(risk_rule::review_country), "review_country");
}

TEST(risk_rules_test, allow_decision_json_has_an_empty_rule_list) {
  EXPECT_EQ(risk_decision_json(risk_decision{}),
            R"({"verdict":"allow","rules":[]})");
}

TEST(risk_rules_test, decision_json_lists_rule_verdict_and_detail) {
  const risk_decision d = evaluate_risk(velocity_rules(3, 5), with_recent(3));
  EXPECT_EQ(risk_decision_json(d),
            R"({"verdict":"review","rules":[{"rule":"velocity",)"
            R"("verdict":"review","detail":"3 checkouts by this buyer in the )"
            R"(last 600 s, reviewed from 3"}]})");
}

TEST(risk_rules_test, decision_json_escapes_buyer_supplied_text) {
  risk_rules rules;
  rules.blocked_accounts = {"a\"b\\c"};
  const risk_decision d = evaluate_risk(rules, buyer("a\"b\\c", "", ""));
  EXPECT_NE(risk_decision_json(d).find(R"('a\"b\\c' is blocked)"),
            std::string::npos)
    << risk_decision_json(d);
}

}  // namespace
}  // namespace pay::domain
