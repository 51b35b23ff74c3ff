// Amounts as the buyer's pages write them: the currency's symbol or code,
// its ISO 4217 exponent, thousands separators.
#include "pspsim/display_amount.hpp"

#include <cstdint>
#include <string>

#include <gtest/gtest.h>

namespace pay::pspsim {
namespace {

struct display_case {
  std::int64_t amount_minor;
  std::string currency;
  std::string shown;
};

TEST(display_amount, each_currency_reads_as_people_write_it) {
  const display_case cases[] = {
    {1234, "usd", "$12.34"},
    {1234, "USD", "$12.34"},
    {1234, "eur",
     "\xE2\x82\xAC"
     "12.34"},
    {1234, "gbp",
     "\xC2\xA3"
     "12.34"},
    {500, "jpy",
     "\xC2\xA5"
     "500"},
    {1234, "chf", "12.34 CHF"},
    {12345, "krw", "12,345 KRW"},
    {123450, "sek", "1,234.50 SEK"},
    {1234, "bhd", "1.234 BHD"},
    {1234000, "kwd", "1,234.000 KWD"},
    {250000, "vnd", "250,000 VND"},
    {99, "usd", "$0.99"},
    {5, "usd", "$0.05"},
    {123456789, "usd", "$1,234,567.89"},
    {100000, "jpy",
     "\xC2\xA5"
     "100,000"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(display_amount(c.amount_minor, c.currency), c.shown)
      << c.amount_minor << " " << c.currency;
  }
}

TEST(display_amount, zero_keeps_the_currencys_decimals) {
  EXPECT_EQ(display_amount(0, "usd"), "$0.00");
  EXPECT_EQ(display_amount(0, "jpy"),
            "\xC2\xA5"
            "0");
  EXPECT_EQ(display_amount(0, "bhd"), "0.000 BHD");
  EXPECT_EQ(display_amount(0, "krw"), "0 KRW");
}

TEST(display_amount, isk_on_the_wire_has_stripes_two_decimals_shown_as_none) {
  // Stripe takes ISK in hundredths it never shows: 10000 is 100 kronur.
  EXPECT_EQ(display_amount(10000, "isk"), "100 ISK");
  // An amount with hundredths keeps them rather than be rounded away.
  EXPECT_EQ(display_amount(10050, "isk"), "100.50 ISK");
}

TEST(display_amount, a_negative_amount_leads_with_its_sign) {
  EXPECT_EQ(display_amount(-1234, "usd"), "-$12.34");
  EXPECT_EQ(display_amount(-12345, "krw"), "-12,345 KRW");
}

}  // namespace
}  // namespace pay::pspsim
