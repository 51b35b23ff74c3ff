#include "config/risk_settings.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace pay {
namespace {

using domain::risk_rules;

// Applies one key to default rules; the test reads whichever field it needs.
struct applied {
  std::string error;
  risk_rules rules;
};

applied apply_one(std::string_view key, std::string_view value) {
  applied out;
  out.error = apply_risk_setting(key, value, out.rules);
  return out;
}

// The error names the key and contains every fragment.
void expect_refused(std::string_view key, std::string_view value,
                    std::vector<std::string> fragments) {
  const applied a = apply_one(key, value);
  EXPECT_EQ(a.error.rfind(std::string{key} + ": ", 0), 0u)
    << key << " = " << value << " -> " << a.error;
  for (const std::string& fragment : fragments) {
    EXPECT_NE(a.error.find(fragment), std::string::npos)
      << key << " = " << value << " -> " << a.error
      << "\nmissing: " << fragment;
  }
}

// ---- keys ------------------------------------------------------------------

TEST(risk_settings_test, every_key_is_risk_dotted_with_a_paymentd_risk_env) {
  ASSERT_EQ(risk_keys().size(), 10u);
  for (const risk_key& k : risk_keys()) {
    const std::string key = k.key;
    const std::string env = k.env;
    EXPECT_EQ(key.rfind("risk.", 0), 0u) << key;
    EXPECT_EQ(env.rfind("PAYMENTD_RISK_", 0), 0u) << env;
    std::string expected_env = "PAYMENTD_RISK_";
    for (char c : key.substr(5)) {
      expected_env += static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
    }
    EXPECT_EQ(env, expected_env);
    EXPECT_TRUE(is_risk_key(key));
  }
}

TEST(risk_settings_test, other_keys_are_not_risk_keys) {
  EXPECT_FALSE(is_risk_key("http.port"));
  EXPECT_FALSE(is_risk_key("risk.block_amounts"));
  EXPECT_FALSE(is_risk_key(""));
}

TEST(risk_settings_test, unknown_key_is_an_error_naming_it) {
  expect_refused("risk.max_amount", "USD:1", {"unknown", "risk.max_amount"});
}

TEST(risk_settings_test, defaults_allow_everything) {
  const risk_rules rules;
  EXPECT_TRUE(rules.block_amount_minor.empty());
  EXPECT_TRUE(rules.review_amount_minor.empty());
  EXPECT_EQ(rules.velocity_review_count, 0u);
  EXPECT_EQ(rules.velocity_block_count, 0u);
  EXPECT_TRUE(rules.blocked_accounts.empty());
  EXPECT_TRUE(rules.blocked_email_domains.empty());
  EXPECT_TRUE(rules.review_email_domains.empty());
  EXPECT_TRUE(rules.blocked_countries.empty());
  EXPECT_TRUE(rules.review_countries.empty());
  EXPECT_EQ(validate_risk_rules(rules), "");
}

// ---- amounts ---------------------------------------------------------------

TEST(risk_settings_test, amounts_are_decimal_major_units_per_exponent) {
  const applied a = apply_one("risk.block_amount",
                              "USD:5000.00,EUR:4000,JPY:500000,BHD:1.5");
  ASSERT_EQ(a.error, "");
  const std::map<std::string, std::int64_t> expected = {
    {"USD", 500'000}, {"EUR", 400'000}, {"JPY", 500'000}, {"BHD", 1'500}};
  EXPECT_EQ(a.rules.block_amount_minor, expected);
}

TEST(risk_settings_test, amount_entries_are_trimmed) {
  const applied a = apply_one("risk.review_amount", "  USD : 10.5 , EUR:1 ");
  ASSERT_EQ(a.error, "");
  const std::map<std::string, std::int64_t> expected = {{"USD", 1050},
                                                        {"EUR", 100}};
  EXPECT_EQ(a.rules.review_amount_minor, expected);
}

TEST(risk_settings_test, empty_value_means_no_limits_and_clears_earlier_ones) {
  risk_rules rules;
  ASSERT_EQ(apply_risk_setting("risk.block_amount", "USD:1", rules), "");
  ASSERT_EQ(apply_risk_setting("risk.block_amount", "  ", rules), "");
  EXPECT_TRUE(rules.block_amount_minor.empty());
}

TEST(risk_settings_test, bad_amounts_are_refused_naming_key_and_entry) {
  const char* key = "risk.block_amount";
  expect_refused(key, "XXX:5", {"'XXX:5'", "currency_unknown"});
  expect_refused(key, "usd:5", {"'usd:5'", "currency_not_uppercase"});
  expect_refused(key, "USD:-5", {"'USD:-5'", "amount_has_sign"});
  expect_refused(key, "USD:5.001", {"'USD:5.001'", "amount_too_many_decimals"});
  expect_refused(key, "JPY:5.5", {"'JPY:5.5'", "amount_too_many_decimals"});
  expect_refused(key, "USD:0", {"'USD:0'", "amount_zero"});
  expect_refused(key, "USD:1e3", {"'USD:1e3'", "amount_has_exponent"});
  expect_refused(key, "USD:ten", {"'USD:ten'", "amount_not_a_decimal_string"});
  expect_refused(key, "USD:", {"'USD:'", "amount_empty"});
  expect_refused(key, "USD5000", {"'USD5000'", "CURRENCY:AMOUNT"});
  expect_refused(key, "USD:1,USD:2", {"USD appears twice"});
  expect_refused(key, "USD:1,,EUR:2", {"entry 2 is empty"});
  expect_refused(key, "USD:1,", {"entry 2 is empty"});
  expect_refused("risk.review_amount", "EUR:-1", {"amount_has_sign"});
}

TEST(risk_settings_test, refused_value_leaves_the_rules_unchanged) {
  risk_rules rules;
  ASSERT_EQ(apply_risk_setting("risk.block_amount", "USD:1", rules), "");
  EXPECT_NE(apply_risk_setting("risk.block_amount", "EUR:2,XXX:1", rules), "");
  const std::map<std::string, std::int64_t> expected = {{"USD", 100}};
  EXPECT_EQ(rules.block_amount_minor, expected);
  ASSERT_EQ(apply_risk_setting("risk.blocked_countries", "KP", rules), "");
  EXPECT_NE(apply_risk_setting("risk.blocked_countries", "IR,usa", rules), "");
  EXPECT_EQ(rules.blocked_countries, std::set<std::string>{"KP"});
}

// ---- counts ----------------------------------------------------------------

TEST(risk_settings_test, velocity_counts_and_window_are_whole_numbers) {
  risk_rules rules;
  ASSERT_EQ(apply_risk_setting("risk.velocity_window_s", " 600 ", rules), "");
  ASSERT_EQ(apply_risk_setting("risk.velocity_review_count", "3", rules), "");
  ASSERT_EQ(apply_risk_setting("risk.velocity_block_count", "0", rules), "");
  EXPECT_EQ(rules.velocity_window_s, 600u);
  EXPECT_EQ(rules.velocity_review_count, 3u);
  EXPECT_EQ(rules.velocity_block_count, 0u);
}

TEST(risk_settings_test, counts_are_accepted_exactly_at_their_bounds) {
  EXPECT_EQ(apply_one("risk.velocity_window_s", "1").rules.velocity_window_s,
            1u);
  EXPECT_EQ(
    apply_one("risk.velocity_window_s", "2592000").rules.velocity_window_s,
    risk_velocity_window_s_max);
  const applied at_count_max = apply_one("risk.velocity_block_count",
                                         "1000000");
  EXPECT_EQ(at_count_max.rules.velocity_block_count, risk_velocity_count_max);
}

TEST(risk_settings_test, bad_counts_are_refused_naming_the_key) {
  expect_refused("risk.velocity_review_count", "ten",
                 {"not a whole number", "'ten'"});
  expect_refused("risk.velocity_review_count", "-1", {"not a whole number"});
  expect_refused("risk.velocity_review_count", "+1", {"not a whole number"});
  expect_refused("risk.velocity_block_count", "2.5", {"not a whole number"});
  expect_refused("risk.velocity_block_count", "", {"not a whole number"});
  expect_refused("risk.velocity_block_count", "1000001", {"out of range"});
  expect_refused("risk.velocity_block_count", "99999999999999999999",
                 {"out of range"});
  expect_refused("risk.velocity_window_s", "0", {"out of range [1, 2592000]"});
  expect_refused("risk.velocity_window_s", "2592001", {"out of range"});
}

// ---- lists -----------------------------------------------------------------

TEST(risk_settings_test, accounts_are_a_trimmed_list_kept_exact) {
  const applied a = apply_one("risk.blocked_accounts",
                              " acct_1 ,Acct_2,acct_1");
  ASSERT_EQ(a.error, "");
  EXPECT_EQ(a.rules.blocked_accounts,
            (std::set<std::string>{"acct_1", "Acct_2"}));
}

TEST(risk_settings_test, email_domains_are_lowercased) {
  const applied a = apply_one("risk.blocked_email_domains",
                              "Evil.COM, spam-mail.example");
  ASSERT_EQ(a.error, "");
  EXPECT_EQ(a.rules.blocked_email_domains,
            (std::set<std::string>{"evil.com", "spam-mail.example"}));
  EXPECT_EQ(apply_one("risk.review_email_domains", "mailinator.com")
              .rules.review_email_domains,
            std::set<std::string>{"mailinator.com"});
}

TEST(risk_settings_test, bad_email_domains_are_refused_naming_key_and_entry) {
  const char* key = "risk.blocked_email_domains";
  expect_refused(key, "x@evil.com", {"'x@evil.com'", "not an e-mail address"});
  expect_refused(key, "*.evil.com", {"'*.evil.com'", "no wildcards"});
  expect_refused(key, "evil..com", {"'evil..com'", "empty label"});
  expect_refused(key, ".evil.com", {"empty label"});
  expect_refused(key, "evil.com.", {"empty label"});
  expect_refused(key, "evil com", {"'evil com'", "only letters"});
  expect_refused(key, "évil.com", {"only letters"});
  expect_refused(key, std::string(64, 'a') + ".com", {"longer than 63"});
  expect_refused("risk.review_email_domains", "a,,b", {"entry 2 is empty"});
}

TEST(risk_settings_test, countries_are_two_uppercase_letters) {
  const applied a = apply_one("risk.blocked_countries", "KP, IR");
  ASSERT_EQ(a.error, "");
  EXPECT_EQ(a.rules.blocked_countries, (std::set<std::string>{"IR", "KP"}));
  EXPECT_EQ(apply_one("risk.review_countries", "NG").rules.review_countries,
            std::set<std::string>{"NG"});
}

TEST(risk_settings_test, bad_country_codes_are_refused_naming_key_and_entry) {
  for (const char* bad : {"us", "USA", "U1", "U", "Us"}) {
    expect_refused("risk.blocked_countries", bad,
                   {"'" + std::string{bad} + "'", "ISO 3166-1 alpha-2"});
  }
  expect_refused("risk.review_countries", "GB,de", {"'de'"});
}

TEST(risk_settings_test, lists_hold_at_most_the_entry_limit) {
  std::string at_limit;
  for (std::size_t i = 0; i < risk_list_entries_max; ++i) {
    if (i > 0) at_limit += ',';
    at_limit += "acct_" + std::to_string(i);
  }
  const applied a = apply_one("risk.blocked_accounts", at_limit);
  ASSERT_EQ(a.error, "");
  EXPECT_EQ(a.rules.blocked_accounts.size(), risk_list_entries_max);
  expect_refused("risk.blocked_accounts", at_limit + ",one_more",
                 {"more than 10000 entries"});
}

// ---- between keys ----------------------------------------------------------

TEST(risk_settings_test, review_count_must_be_below_block_count) {
  risk_rules rules;
  rules.velocity_review_count = 5;
  rules.velocity_block_count = 5;
  const std::string err = validate_risk_rules(rules);
  EXPECT_NE(err.find("risk.velocity_review_count"), std::string::npos) << err;
  EXPECT_NE(err.find("risk.velocity_block_count"), std::string::npos) << err;
  rules.velocity_review_count = 4;
  EXPECT_EQ(validate_risk_rules(rules), "");
  rules.velocity_block_count = 0;
  rules.velocity_review_count = 50;
  EXPECT_EQ(validate_risk_rules(rules), "");
}

TEST(risk_settings_test, review_amount_must_be_below_block_amount) {
  risk_rules rules;
  rules.block_amount_minor = {{"USD", 1000}};
  rules.review_amount_minor = {{"USD", 1000}, {"EUR", 5000}};
  const std::string err = validate_risk_rules(rules);
  EXPECT_NE(err.find("risk.review_amount for USD"), std::string::npos) << err;
  rules.review_amount_minor["USD"] = 999;
  EXPECT_EQ(validate_risk_rules(rules), "");
}

TEST(risk_settings_test, one_entry_cannot_be_both_blocked_and_reviewed) {
  risk_rules rules;
  rules.blocked_countries = {"KP", "IR"};
  rules.review_countries = {"IR"};
  EXPECT_NE(validate_risk_rules(rules).find("'IR'"), std::string::npos);
  rules.review_countries = {"NG"};
  EXPECT_EQ(validate_risk_rules(rules), "");
  rules.blocked_email_domains = {"evil.com"};
  rules.review_email_domains = {"evil.com"};
  EXPECT_NE(validate_risk_rules(rules).find("risk.review_email_domains"),
            std::string::npos);
  // A subdomain under review beside its blocked parent is consistent.
  rules.review_email_domains = {"mail.evil.com"};
  EXPECT_EQ(validate_risk_rules(rules), "");
}

// ---- the settings.cpp key table --------------------------------------------

struct fake_settings {
  risk_rules risk;
};

struct fake_key_spec {
  const char* key;
  const char* env;
  std::function<std::string(fake_settings&, const std::string&)> set;
};

TEST(risk_settings_test, key_table_rows_parse_into_the_settings_field) {
  std::vector<fake_key_spec> table = {{"http.port", "PAYMENTD_HTTP_PORT", {}}};
  append_risk_keys(table, &fake_settings::risk);
  ASSERT_EQ(table.size(), 1 + risk_keys().size());
  fake_settings s;
  for (const fake_key_spec& row : table) {
    if (std::string{row.key} == "risk.blocked_countries") {
      EXPECT_STREQ(row.env, "PAYMENTD_RISK_BLOCKED_COUNTRIES");
      EXPECT_EQ(row.set(s, "KP"), "");
      // settings.cpp prefixes the key or env name itself.
      EXPECT_EQ(row.set(s, "kp").rfind("entry 'kp': ", 0), 0u);
    }
  }
  EXPECT_EQ(s.risk.blocked_countries, std::set<std::string>{"KP"});
}

// ---- from config to verdict ------------------------------------------------

TEST(risk_settings_test, configured_amount_limit_blocks_an_order_above_it) {
  risk_rules rules;
  ASSERT_EQ(apply_risk_setting("risk.block_amount", "USD:50.00", rules), "");
  const domain::risk_facts above = domain::facts_from_buyer_info(
    "{}", {{"USD", 5001}}, 1);
  const domain::risk_facts at = domain::facts_from_buyer_info("{}",
                                                              {{"USD", 5000}},
                                                              1);
  EXPECT_EQ(domain::evaluate_risk(rules, above).verdict,
            domain::risk_verdict::block);
  EXPECT_EQ(domain::evaluate_risk(rules, at).verdict,
            domain::risk_verdict::allow);
}

}  // namespace
}  // namespace pay
