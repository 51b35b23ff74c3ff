#include "domain/reconcile/settlement_fee.hpp"

#include <gtest/gtest.h>

namespace pay::domain {
namespace {

TEST(SettlementFee, default_terms_are_2_9_percent_plus_30) {
  EXPECT_EQ(agreed_fee_minor(10'000, {}), 290 + 30);
  EXPECT_EQ(agreed_fee_minor(1'234, {}), 36 + 30);  // 35.786 -> 36
}

TEST(SettlementFee, rate_part_rounds_half_up) {
  const fee_terms terms{100, 0};               // 1%
  EXPECT_EQ(agreed_fee_minor(149, terms), 1);  // 1.49
  EXPECT_EQ(agreed_fee_minor(150, terms), 2);  // 1.50
  EXPECT_EQ(agreed_fee_minor(249, terms), 2);  // 2.49
  EXPECT_EQ(agreed_fee_minor(50, terms), 1);   // 0.50
  EXPECT_EQ(agreed_fee_minor(49, terms), 0);   // 0.49
}

TEST(SettlementFee, zero_gross_pays_only_the_fixed_part) {
  EXPECT_EQ(agreed_fee_minor(0, {290, 30}), 30);
  EXPECT_EQ(agreed_fee_minor(0, {290, 0}), 0);
}

TEST(SettlementFee, configured_terms_are_used) {
  EXPECT_EQ(agreed_fee_minor(500, {150, 10}), 8 + 10);  // 7.5 -> 8
  EXPECT_EQ(agreed_fee_minor(500, {0, 7}), 7);
}

TEST(SettlementFee, largest_charge_does_not_overflow) {
  // 99,999,999,999 * 290 / 10000 = 2,899,999,999.97 -> 2,900,000,000
  EXPECT_EQ(agreed_fee_minor(99'999'999'999, {}), 2'900'000'000 + 30);
  EXPECT_EQ(agreed_fee_minor(99'999'999'999, {10'000, 0}), 99'999'999'999);
}

TEST(SettlementFee, matches_the_plain_formula_where_it_cannot_overflow) {
  for (std::int64_t gross = 0; gross < 30'000; gross += 7) {
    for (std::uint32_t rate : {0u, 1u, 290u, 4999u, 10'000u}) {
      const std::int64_t plain = (gross * rate + 5000) / 10000 + 25;
      ASSERT_EQ(agreed_fee_minor(gross, {rate, 25}), plain)
        << gross << " " << rate;
    }
  }
}

}  // namespace
}  // namespace pay::domain
