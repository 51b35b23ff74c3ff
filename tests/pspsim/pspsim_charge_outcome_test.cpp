// What a charge shows of the card and of Radar, black-box: latest_charge
// is the charge's id, or the whole charge with expand[]=latest_charge,
// carrying outcome (network_status, reason, risk_level, risk_score,
// seller_message, type) and payment_method_details.card (brand, last4,
// checks) for each of Stripe's check and risk test tokens and cards.
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "http/form.hpp"
#include "http/sync_client.hpp"
#include "tests/pspsim/pspsim_fixtures.hpp"

namespace pay::pspsim {
namespace {

using namespace harness;

struct expected_card {
  std::string token;   // pm_card_...
  std::string number;  // the hosted page's test number for the same card
  std::string last4;
  std::string cvc_check;
  std::string line1_check;
  std::string zip_check;
  std::string risk_level;
  std::int64_t score_min;
  std::int64_t score_max;
  std::string reason;  // "" for null
};

const std::vector<expected_card> cards = {
  {"pm_card_visa", "4242424242424242", "4242", "pass", "pass", "pass", "normal",
   12, 40, ""},
  {"pm_card_cvcCheckFail", "4000000000000101", "0101", "fail", "pass", "pass",
   "normal", 12, 40, ""},
  {"pm_card_avsLine1Fail", "4000000000000028", "0028", "pass", "fail", "pass",
   "normal", 12, 40, ""},
  {"pm_card_avsZipFail", "4000000000000036", "0036", "pass", "pass", "fail",
   "normal", 12, 40, ""},
  {"pm_card_avsFail", "4000000000000010", "0010", "pass", "fail", "fail",
   "normal", 12, 40, ""},
  {"pm_card_avsUnchecked", "4000000000000044", "0044", "pass", "unavailable",
   "unavailable", "normal", 12, 40, ""},
  {"pm_card_riskLevelElevated", "4000000000009235", "9235", "pass", "pass",
   "pass", "elevated", 65, 74, "elevated_risk_level"},
  {"pm_card_riskLevelHighest", "4100000000000019", "0019", "pass", "pass",
   "pass", "highest", 85, 99, "highest_risk_level"},
};

class charge_outcome : public pspsim_suite<charge_outcome> {
 public:
  static std::vector<std::string> pspsim_options() {
    return {"--processing-ms", "600000", "--review-ms", "600000"};
  }

 protected:
  http::sync_result create(const std::string& token, bool expand) {
    auto fields = with_card(visa_payment(), token);
    if (expand) fields.emplace_back("expand[]", "latest_charge");
    return post("/v1/payment_intents", fields);
  }
  boost::json::object expanded(const std::string& id) {
    return json_of(
      get("/v1/payment_intents/" + id + "?expand[]=latest_charge"));
  }
  // Pays a fresh checkout session with `number` and answers its intent,
  // charge expanded.
  boost::json::object paid_on_the_page(const std::string& number) {
    const std::string session = id_of(
      post("/v1/checkout/sessions", session_form("1234")));
    const http::form_fields fields{{"card_number", number},
                                   {"card_expiry", "12/39"},
                                   {"card_cvc", "123"},
                                   {"card_name", "Ann Buyer"}};
    const auto paid = client_->post("/pay/" + session,
                                    http::form_encode(fields), form_type);
    EXPECT_EQ(paid.res.result_int(), 303u) << number;
    const auto s = json_of(get("/v1/checkout/sessions/" + session));
    return expanded(std::string(s.at("payment_intent").as_string()));
  }
  static void expect_card(const boost::json::object& charge,
                          const expected_card& card) {
    const std::string& name = card.token;
    EXPECT_EQ(charge.at("object"), "charge") << name;
    EXPECT_EQ(charge.at("status"), "succeeded") << name;
    EXPECT_EQ(charge.at("paid"), true) << name;
    const auto& outcome = charge.at("outcome").as_object();
    EXPECT_EQ(outcome.at("network_status"), "approved_by_network") << name;
    EXPECT_EQ(outcome.at("type"), "authorized") << name;
    EXPECT_EQ(outcome.at("risk_level"), card.risk_level.c_str()) << name;
    const std::int64_t score = outcome.at("risk_score").as_int64();
    EXPECT_GE(score, card.score_min) << name;
    EXPECT_LE(score, card.score_max) << name;
    if (card.reason.empty()) {
      EXPECT_TRUE(outcome.at("reason").is_null()) << name;
    } else {
      EXPECT_EQ(outcome.at("reason"), card.reason.c_str()) << name;
    }
    EXPECT_TRUE(outcome.at("seller_message").is_string()) << name;
    const auto& details = charge.at("payment_method_details").as_object();
    EXPECT_EQ(details.at("type"), "card") << name;
    const auto& c = details.at("card").as_object();
    EXPECT_EQ(c.at("brand"), "visa") << name;
    EXPECT_EQ(c.at("last4"), card.last4.c_str()) << name;
    const auto& checks = c.at("checks").as_object();
    EXPECT_EQ(checks.at("cvc_check"), card.cvc_check.c_str()) << name;
    EXPECT_EQ(checks.at("address_line1_check"), card.line1_check.c_str())
      << name;
    EXPECT_EQ(checks.at("address_postal_code_check"), card.zip_check.c_str())
      << name;
  }
};

TEST_F(charge_outcome, without_expand_latest_charge_is_the_charge_id) {
  const auto pi = json_of(create("pm_card_visa", false));
  ASSERT_TRUE(pi.at("latest_charge").is_string());
  EXPECT_EQ(std::string(pi.at("latest_charge").as_string()), charge_id_of(pi));
  const std::string id(pi.at("id").as_string());
  EXPECT_TRUE(
    json_of(get("/v1/payment_intents/" + id)).at("latest_charge").is_string());
}

TEST_F(charge_outcome,
       each_test_token_shows_its_checks_and_risk_when_expanded) {
  for (const auto& card : cards) {
    const auto r = create(card.token, true);
    ASSERT_EQ(r.res.result_int(), 200u) << card.token << r.res.body();
    const auto pi = json_of(r);
    EXPECT_EQ(pi.at("status"), "succeeded") << card.token;
    ASSERT_TRUE(pi.at("latest_charge").is_object()) << card.token;
    expect_card(pi.at("latest_charge").as_object(), card);
    // Retrieving with expand shows the same charge.
    const auto again = expanded(std::string(pi.at("id").as_string()));
    EXPECT_EQ(again.at("latest_charge"), pi.at("latest_charge")) << card.token;
  }
}

TEST_F(charge_outcome, a_mastercard_token_shows_its_brand) {
  const auto pi = json_of(create("pm_card_mastercard", true));
  const auto& card =
    pi.at("latest_charge").at("payment_method_details").at("card").as_object();
  EXPECT_EQ(card.at("brand"), "mastercard");
  EXPECT_EQ(card.at("last4"), "4444");
}

TEST_F(charge_outcome, a_normal_risk_score_is_the_same_on_every_read) {
  const std::string id = id_of(create("pm_card_visa", false));
  const auto score = [&] {
    return expanded(id).at("latest_charge").at("outcome").at("risk_score");
  };
  EXPECT_EQ(score(), score());
}

TEST_F(charge_outcome, declined_tokens_show_an_issuer_decline) {
  for (const std::string token :
       {"pm_card_chargeDeclined", "pm_card_chargeDeclinedInsufficientFunds"}) {
    const auto r = create(token, true);
    ASSERT_EQ(r.res.result_int(), 402u) << token;
    const auto error = json_of(r).at("error").as_object();
    const auto& pi = error.at("payment_intent").as_object();
    ASSERT_TRUE(pi.at("latest_charge").is_object()) << token;
    const auto& charge = pi.at("latest_charge").as_object();
    EXPECT_EQ(error.at("charge"), charge.at("id")) << token;
    EXPECT_EQ(charge.at("status"), "failed") << token;
    EXPECT_EQ(charge.at("paid"), false) << token;
    EXPECT_EQ(charge.at("failure_code"), "card_declined") << token;
    const auto& outcome = charge.at("outcome").as_object();
    EXPECT_EQ(outcome.at("type"), "issuer_declined") << token;
    EXPECT_EQ(outcome.at("network_status"), "declined_by_network") << token;
    EXPECT_EQ(outcome.at("risk_level"), "normal") << token;
    EXPECT_EQ(outcome.at("reason"), error.at("decline_code")) << token;
    // Still not a charge that took money, and not in the paid list.
    EXPECT_TRUE(pi.at("charges").at("data").as_array().empty()) << token;
  }
  EXPECT_TRUE(
    json_of(client_->get("/sim/charges")).at("data").as_array().empty());
}

TEST_F(charge_outcome, a_pending_intent_has_no_charge_yet) {
  const auto pi = json_of(create("pm_card_processing", true));
  EXPECT_EQ(pi.at("status"), "processing");
  EXPECT_TRUE(pi.at("latest_charge").is_null());
}

TEST_F(charge_outcome, a_reviewed_charge_says_it_was_placed_in_review) {
  const std::string id = id_of(create("pm_card_review", false));
  ASSERT_EQ(client_
              ->post("/sim/payment_intents/" + id + "/review?result=approve",
                     "", "text/plain")
              .res.result_int(),
            200u);
  const auto pi = expanded(id);
  const auto& outcome = pi.at("latest_charge").at("outcome");
  EXPECT_EQ(outcome.at("type"), "manual_review");
  EXPECT_EQ(outcome.at("network_status"), "approved_by_network");
}

TEST_F(charge_outcome, hosted_test_numbers_show_the_same_checks_and_risk) {
  for (const auto& card : cards) {
    const auto pi = paid_on_the_page(card.number);
    ASSERT_TRUE(pi.at("latest_charge").is_object()) << card.number;
    expect_card(pi.at("latest_charge").as_object(), card);
  }
}

}  // namespace
}  // namespace pay::pspsim
