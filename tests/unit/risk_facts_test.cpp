#include "domain/risk/risk_facts.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace pay::domain {
namespace {

risk_facts facts_of(const std::string& buyer_info_json) {
  return facts_from_buyer_info(buyer_info_json, {{"USD", 1234}}, 2);
}

TEST(risk_facts_test, documented_fields_are_read) {
  const risk_facts f = facts_of(
    R"({"account_id":"acct_7","email":"ada@example.com","country":"GB",)"
    R"("name":"Ada"})");
  EXPECT_EQ(f.account_id, "acct_7");
  EXPECT_EQ(f.email, "ada@example.com");
  EXPECT_EQ(f.country, "GB");
}

TEST(risk_facts_test, orders_and_recent_checkouts_are_passed_through) {
  const risk_facts f = facts_from_buyer_info("{}",
                                             {{"USD", 1234}, {"JPY", 500}}, 7);
  ASSERT_EQ(f.orders.size(), 2u);
  EXPECT_EQ(f.orders[1].currency, "JPY");
  EXPECT_EQ(f.orders[1].amount_minor, 500);
  EXPECT_EQ(f.recent_checkouts, 7u);
}

TEST(risk_facts_test, country_falls_back_to_the_address) {
  EXPECT_EQ(facts_of(R"({"address":{"country":"DE","city":"Berlin"}})").country,
            "DE");
}

TEST(risk_facts_test, top_level_country_wins_over_the_address) {
  EXPECT_EQ(facts_of(R"({"country":"FR","address":{"country":"DE"}})").country,
            "FR");
}

TEST(risk_facts_test, wrong_typed_top_level_country_falls_back_to_address) {
  EXPECT_EQ(facts_of(R"({"country":7,"address":{"country":"DE"}})").country,
            "DE");
}

TEST(risk_facts_test, country_is_trimmed_and_uppercased) {
  EXPECT_EQ(facts_of(R"({"country":" us "})").country, "US");
}

TEST(risk_facts_test, account_and_email_are_trimmed_not_recased) {
  const risk_facts f = facts_of(
    R"({"account_id":" Acct_7\t","email":" Ada@Example.com "})");
  EXPECT_EQ(f.account_id, "Acct_7");
  EXPECT_EQ(f.email, "Ada@Example.com");
}

TEST(risk_facts_test, wrong_typed_fields_count_as_absent) {
  const risk_facts f = facts_of(
    R"({"account_id":42,"email":["a@evil.com"],"country":{"code":"KP"},)"
    R"("address":"Main St 1"})");
  EXPECT_EQ(f.account_id, "");
  EXPECT_EQ(f.email, "");
  EXPECT_EQ(f.country, "");
}

TEST(risk_facts_test, null_fields_and_wrong_typed_address_count_as_absent) {
  const risk_facts f = facts_of(
    R"({"account_id":null,"email":null,"address":{"country":true}})");
  EXPECT_EQ(f.account_id, "");
  EXPECT_EQ(f.email, "");
  EXPECT_EQ(f.country, "");
}

TEST(risk_facts_test, missing_fields_count_as_absent) {
  const risk_facts f = facts_of(R"({"name":"Ada"})");
  EXPECT_EQ(f.account_id, "");
  EXPECT_EQ(f.email, "");
  EXPECT_EQ(f.country, "");
}

TEST(risk_facts_test, input_that_is_not_a_json_object_gives_empty_facts) {
  for (const std::string bad : {"", "not json", "[1,2]", "\"a@evil.com\"",
                                "null", "{\"email\":", "{} trailing"}) {
    const risk_facts f = facts_of(bad);
    EXPECT_EQ(f.account_id, "") << bad;
    EXPECT_EQ(f.email, "") << bad;
    EXPECT_EQ(f.country, "") << bad;
    EXPECT_EQ(f.orders.size(), 1u) << bad;
    EXPECT_EQ(f.recent_checkouts, 2u) << bad;
  }
}

TEST(risk_facts_test, deeply_nested_buyer_info_gives_empty_facts) {
  const std::string deep = std::string(5000, '[') + std::string(5000, ']');
  const risk_facts f = facts_of(R"({"email":"a@evil.com","x":)" + deep + "}");
  EXPECT_EQ(f.email, "");
}

TEST(risk_facts_test, email_domain_is_after_the_last_at_and_lowercased) {
  EXPECT_EQ(email_domain("ada@Mail.EVIL.com"), "mail.evil.com");
  EXPECT_EQ(email_domain("\"a@b\"@evil.com"), "evil.com");
  EXPECT_EQ(email_domain("ada@evil.com."), "evil.com");
  EXPECT_EQ(email_domain("ada@ evil.com"), "evil.com");
}

TEST(risk_facts_test, email_without_a_domain_has_an_empty_domain) {
  EXPECT_EQ(email_domain(""), "");
  EXPECT_EQ(email_domain("ada.example.com"), "");
  EXPECT_EQ(email_domain("ada@"), "");
}

TEST(risk_facts_test, domain_matches_itself_and_its_subdomains) {
  EXPECT_TRUE(domain_matches("evil.com", "evil.com"));
  EXPECT_TRUE(domain_matches("mail.evil.com", "evil.com"));
  EXPECT_TRUE(domain_matches("a.b.evil.com", "evil.com"));
}

TEST(risk_facts_test, domain_does_not_match_lookalikes) {
  EXPECT_FALSE(domain_matches("notevil.com", "evil.com"));
  EXPECT_FALSE(domain_matches("evil.com.attacker.net", "evil.com"));
  EXPECT_FALSE(domain_matches("evil.co", "evil.com"));
  EXPECT_FALSE(domain_matches("com", "evil.com"));
  EXPECT_FALSE(domain_matches(".evil.com", "mail.evil.com"));
  EXPECT_FALSE(domain_matches("", "evil.com"));
  EXPECT_FALSE(domain_matches("evil.com", ""));
}

}  // namespace
}  // namespace pay::domain
