#include "domain/common/display_amount.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace pay::domain {
namespace {

TEST(DisplayAmount, SignedCurrenciesShowTheirSignBeforeTheNumber) {
  EXPECT_EQ(display_amount(1234, "USD"), "$12.34");
  EXPECT_EQ(display_amount(1234, "EUR"), "€12.34");
  EXPECT_EQ(display_amount(5, "GBP"), "£0.05");
  EXPECT_EQ(display_amount(500, "JPY"), "¥500");
}

TEST(DisplayAmount, OtherCurrenciesShowTheCodeAfterTheNumber) {
  EXPECT_EQ(display_amount(12345, "KRW"), "12,345 KRW");
  EXPECT_EQ(display_amount(1234, "BHD"), "1.234 BHD");
  EXPECT_EQ(display_amount(123450, "SEK"), "1,234.50 SEK");
}

TEST(DisplayAmount, ThousandsAreGroupedAndZeroIsPrinted) {
  EXPECT_EQ(display_amount(123456789, "USD"), "$1,234,567.89");
  EXPECT_EQ(display_amount(100000, "USD"), "$1,000.00");
  EXPECT_EQ(display_amount(0, "USD"), "$0.00");
  EXPECT_EQ(display_amount(0, "KRW"), "0 KRW");
}

TEST(DisplayAmount, NegativeAmountsKeepTheirSignOutsideTheCurrencySign) {
  EXPECT_EQ(display_amount(-1234, "USD"), "-$12.34");
  EXPECT_EQ(display_amount(std::numeric_limits<std::int64_t>::min(), "KRW"),
            "-9,223,372,036,854,775,808 KRW");
}

TEST(DisplayAmount, AnUnknownCodeIsPrintedAsGiven) {
  EXPECT_EQ(display_amount(1234, "XYZ"), "12.34 XYZ");
}

}  // namespace
}  // namespace pay::domain
