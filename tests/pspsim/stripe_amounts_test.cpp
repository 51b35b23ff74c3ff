// Stripe's per-currency amount rules: minimum charges, three-decimal
// currencies, and how amounts are written in messages.
#include "pspsim/stripe_amounts.hpp"

#include <gtest/gtest.h>

namespace pay::pspsim {
namespace {

TEST(stripe_amounts, minimums_are_stripes_published_ones) {
  EXPECT_EQ(minimum_charge_minor("usd"), 50);
  EXPECT_EQ(minimum_charge_minor("eur"), 50);
  EXPECT_EQ(minimum_charge_minor("gbp"), 30);
  EXPECT_EQ(minimum_charge_minor("jpy"), 50);
  EXPECT_EQ(minimum_charge_minor("hkd"), 400);
  EXPECT_EQ(minimum_charge_minor("huf"), 17500);
  EXPECT_FALSE(minimum_charge_minor("bhd").has_value());
}

TEST(stripe_amounts, below_the_minimum_is_amount_too_small_on_the_param) {
  const auto e = check_charge_amount(29, "gbp", "amount");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->code, "amount_too_small");
  EXPECT_EQ(e->param, "amount");
  EXPECT_EQ(e->message, "Amount must be at least 0.30 gbp");
  EXPECT_FALSE(check_charge_amount(30, "gbp", "amount").has_value());
  EXPECT_EQ(check_charge_amount(49, "jpy", "amount")->message,
            "Amount must be at least 50 jpy");
}

TEST(stripe_amounts, three_decimal_amounts_must_end_in_zero) {
  for (const char* currency : {"bhd", "jod", "kwd", "omr", "tnd"}) {
    const auto e = check_charge_amount(1005, currency, "amount");
    ASSERT_TRUE(e.has_value()) << currency;
    EXPECT_EQ(e->code, "invalid_charge_amount");
    EXPECT_EQ(e->param, "amount");
    EXPECT_FALSE(check_charge_amount(1010, currency, "amount").has_value());
  }
  EXPECT_FALSE(check_charge_amount(1005, "usd", "amount").has_value());
}

TEST(stripe_amounts, amounts_are_written_with_stripes_decimals) {
  EXPECT_EQ(format_minor(50, "usd"), "0.50 usd");
  EXPECT_EQ(format_minor(5, "usd"), "0.05 usd");
  EXPECT_EQ(format_minor(1230, "bhd"), "1.230 bhd");
  EXPECT_EQ(format_minor(50, "jpy"), "50 jpy");
}

}  // namespace
}  // namespace pay::pspsim
