#include "tools/loadgen/checkout_plan.hpp"

#include <set>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "domain/common/money.hpp"

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
      EXPECT_GE(parsed.value.amount_minor, amount_minor_min);
      EXPECT_LE(parsed.value.amount_minor, amount_minor_max);
      currencies.insert(currency);
      sellers.insert(std::string{order.at("seller_account").as_string()});
    }
  }
  EXPECT_EQ(currencies.size(), 3u);
  EXPECT_EQ(tokens.size(), 2u);
  EXPECT_EQ(sellers.size(), 5u);
}

}  // namespace
}  // namespace pay::loadgen
