#include "tools/loadgen/checkout_plan.hpp"

#include <set>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "domain/common/money.hpp"
#include "pspsim/stripe_amounts.hpp"

namespace pay::loadgen {
namespace {

loadgen_options options_for_test() {
  loadgen_options o;
  o.run_id = "r1";
  o.seed = 7;
  o.orders_per_checkout = 3;
  o.sellers = 5;
  o.currencies = {"USD", "JPY", "BHD"};
  o.tokens = parse_token_mix("pm_card_visa=1,pm_card_chargeDeclined=1").mix;
  return o;
}

TEST(CheckoutPlan, SameSeedAndIndexGiveTheSameRequest) {
  auto o = options_for_test();
  EXPECT_EQ(plan_checkout(o, 42).body, plan_checkout(o, 42).body);
  EXPECT_NE(plan_checkout(o, 42).body, plan_checkout(o, 43).body);
  auto other = o;
  other.seed = 8;
  EXPECT_NE(plan_checkout(o, 42).body, plan_checkout(other, 42).body);
}

TEST(CheckoutPlan, IdsCarryTheRunIdAndNeverRepeat) {
  auto o = options_for_test();
  std::set<std::string> ids;
  for (std::uint64_t i = 0; i < 200; ++i) {
    auto plan = plan_checkout(o, i);
    EXPECT_EQ(plan.checkout_id, "lg_r1_" + std::to_string(i));
    auto body = boost::json::parse(plan.body).as_object();
    for (const auto& order : body.at("payment_orders").as_array())
      EXPECT_TRUE(
        ids.insert(std::string{order.at("payment_order_id").as_string()})
          .second);
  }
  EXPECT_EQ(ids.size(), 600u);
}

TEST(CheckoutPlan, AmountsAreValidDecimalStringsForTheirCurrency) {
  auto o = options_for_test();
  std::set<std::string> currencies, tokens, sellers;
  for (std::uint64_t i = 0; i < 300; ++i) {
    auto body = boost::json::parse(plan_checkout(o, i).body).as_object();
    tokens.insert(
      std::string{body.at("credit_card_info").at("psp_token").as_string()});
    auto orders = body.at("payment_orders").as_array();
    ASSERT_EQ(orders.size(), 3u);
    for (const auto& order : orders) {
      std::string amount{order.at("amount").as_string()};
      std::string currency{order.at("currency").as_string()};
      auto parsed = domain::parse_money(amount, currency);
      ASSERT_EQ(parsed.error, domain::money_error::ok) << amount << currency;
      EXPECT_GE(parsed.value.amount_minor, amount_minor_floor(currency));
      EXPECT_LE(parsed.value.amount_minor, amount_minor_max);
      currencies.insert(currency);
      sellers.insert(std::string{order.at("seller_account").as_string()});
    }
  }
  EXPECT_EQ(currencies.size(), 3u);
  EXPECT_EQ(tokens.size(), 2u);
  EXPECT_EQ(sellers.size(), 5u);
}

std::string lower(std::string text) {
  for (auto& c : text)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return text;
}

TEST(CheckoutPlan, EveryAmountIsOneThePspTakes) {
  auto o = options_for_test();
  // Minimums above loadgen's own floor (HUF 175.00, CZK 15.00), none (KRW),
  // and three decimals in steps of 10 (BHD, KWD).
  o.currencies = {"USD", "HUF", "CZK", "JPY", "KRW", "BHD", "KWD"};
  std::set<std::string> currencies;
  for (std::uint64_t i = 0; i < 500; ++i) {
    auto body = boost::json::parse(plan_checkout(o, i).body).as_object();
    for (const auto& order : body.at("payment_orders").as_array()) {
      std::string amount{order.at("amount").as_string()};
      std::string currency{order.at("currency").as_string()};
      auto parsed = domain::parse_money(amount, currency);
      ASSERT_EQ(parsed.error, domain::money_error::ok) << amount << currency;
      const auto minor = parsed.value.amount_minor;
      EXPECT_FALSE(
        pspsim::check_charge_amount(minor, lower(currency), "amount"))
        << amount << " " << currency;
      EXPECT_LE(minor, amount_minor_max);
      if (currency == "BHD" || currency == "KWD") {
        EXPECT_EQ(minor % 10, 0) << amount << " " << currency;
      }
      currencies.insert(currency);
    }
  }
  EXPECT_EQ(currencies.size(), 7u);
  EXPECT_EQ(amount_minor_floor("HUF"), 17'500);
  EXPECT_EQ(amount_minor_floor("usd"), amount_minor_min);
  EXPECT_EQ(amount_step_minor("BHD"), 10);
  EXPECT_EQ(amount_step_minor("EUR"), 1);
}

TEST(CheckoutPlan, ThreeDSecureCheckoutsCarryAReturnUrlOthersDoNot) {
  auto o = options_for_test();
  o.tokens =
    parse_token_mix("pm_card_visa=1,pm_card_threeDSecureRequired=1").mix;
  std::set<std::string> seen;
  for (std::uint64_t i = 0; i < 100; ++i) {
    auto body = boost::json::parse(plan_checkout(o, i).body).as_object();
    const auto& card = body.at("credit_card_info").as_object();
    std::string token{card.at("psp_token").as_string()};
    seen.insert(token);
    if (token == three_ds_token) {
      ASSERT_TRUE(card.contains("return_url")) << token;
      EXPECT_EQ(card.at("return_url").as_string(), return_url);
    } else {
      EXPECT_FALSE(card.contains("return_url")) << token;
    }
  }
  EXPECT_EQ(seen.size(), 2u);
}

}  // namespace
}  // namespace pay::loadgen
