#include "domain/common/currency.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace pay::domain {
namespace {

// ---- The currencies the API promises, with their ISO 4217 exponents -------

struct exponent_row {
  const char* code;
  std::uint8_t exponent;
};

class iso_4217_exponent : public ::testing::TestWithParam<exponent_row> {};

TEST_P(iso_4217_exponent, currency_is_supported_with_its_iso_exponent) {
  const exponent_row row = GetParam();
  const std::optional<currency_info> found = find_currency(row.code);
  ASSERT_TRUE(found.has_value()) << row.code;
  EXPECT_EQ(found->code, row.code);
  EXPECT_EQ(int{found->exponent}, int{row.exponent}) << row.code;
}

INSTANTIATE_TEST_SUITE_P(
  promised_currencies, iso_4217_exponent,
  ::testing::Values(
    exponent_row{"USD", 2}, exponent_row{"EUR", 2}, exponent_row{"GBP", 2},
    exponent_row{"JPY", 0}, exponent_row{"KRW", 0}, exponent_row{"BHD", 3},
    exponent_row{"KWD", 3}, exponent_row{"CHF", 2}, exponent_row{"SEK", 2},
    exponent_row{"NOK", 2}, exponent_row{"DKK", 2}, exponent_row{"PLN", 2},
    exponent_row{"CZK", 2}, exponent_row{"HUF", 2}, exponent_row{"AUD", 2},
    exponent_row{"CAD", 2}, exponent_row{"NZD", 2}, exponent_row{"SGD", 2},
    exponent_row{"HKD", 2}, exponent_row{"INR", 2}, exponent_row{"CNY", 2},
    exponent_row{"BRL", 2}, exponent_row{"MXN", 2}, exponent_row{"ZAR", 2},
    exponent_row{"OMR", 3}, exponent_row{"JOD", 3}, exponent_row{"TND", 3},
    exponent_row{"CLP", 0}, exponent_row{"ISK", 0}, exponent_row{"VND", 0}),
  [](const ::testing::TestParamInfo<exponent_row>& info) {
    return std::string{info.param.code};
  });

// ---- Codes that must not be found ----------------------------------------

struct refused_code_row {
  const char* name;
  std::string code;  // std::string so rows can hold an embedded NUL
};

class refused_currency_code
    : public ::testing::TestWithParam<refused_code_row> {};

TEST_P(refused_currency_code, is_not_found) {
  EXPECT_FALSE(find_currency(GetParam().code).has_value());
}

using namespace std::string_literals;

INSTANTIATE_TEST_SUITE_P(
  refused_codes, refused_currency_code,
  ::testing::Values(refused_code_row{"lowercase", "usd"},
                    refused_code_row{"capitalised", "Usd"},
                    refused_code_row{"last_letter_lowercase", "USd"},
                    refused_code_row{"empty", ""},
                    refused_code_row{"one_letter", "U"},
                    refused_code_row{"two_letters", "US"},
                    refused_code_row{"four_letters", "USDD"},
                    refused_code_row{"leading_space", " USD"},
                    refused_code_row{"trailing_space", "USD "},
                    refused_code_row{"trailing_nul", "USD\0"s},
                    refused_code_row{"embedded_nul", "U\0D"s},
                    refused_code_row{"digit", "U5D"},
                    refused_code_row{"symbol", "US$"},
                    refused_code_row{"non_ascii_letter",
                                     "\xC3\x9C"
                                     "SD"},
                    refused_code_row{"iso_no_currency_xxx", "XXX"},
                    refused_code_row{"unassigned_abc", "ABC"},
                    refused_code_row{"before_first_row", "AAA"},
                    refused_code_row{"after_last_row", "ZZZ"},
                    refused_code_row{"between_rows", "USC"}),
  [](const ::testing::TestParamInfo<refused_code_row>& info) {
    return std::string{info.param.name};
  });

// ---- The table itself -----------------------------------------------------

TEST(currency_table, every_code_is_three_uppercase_ascii_letters) {
  for (const currency_info& row : currency_table) {
    ASSERT_EQ(row.code.size(), 3u) << row.code;
    for (char c : row.code) {
      EXPECT_TRUE(c >= 'A' && c <= 'Z') << row.code;
    }
  }
}

// Also proves the table is sorted and free of duplicates: the lookup is a
// binary search, so an out-of-order row would be missed.
TEST(currency_table, every_row_is_found_by_its_code) {
  for (const currency_info& row : currency_table) {
    const std::optional<currency_info> found = find_currency(row.code);
    ASSERT_TRUE(found.has_value()) << row.code;
    EXPECT_EQ(found->code, row.code);
    EXPECT_EQ(found->exponent, row.exponent) << row.code;
  }
}

TEST(currency_table, no_exponent_is_larger_than_iso_4217_uses_for_payments) {
  for (const currency_info& row : currency_table) {
    EXPECT_LE(int{row.exponent}, 3) << row.code;
  }
}

TEST(find_currency, returned_code_outlives_the_callers_buffer) {
  std::string input = "JPY";
  const std::optional<currency_info> found = find_currency(input);
  ASSERT_TRUE(found.has_value());
  input = "XYZ";
  EXPECT_EQ(found->code, "JPY");
  EXPECT_NE(static_cast<const void*>(found->code.data()),
            static_cast<const void*>(input.data()));
}

}  // namespace
}  // namespace pay::domain
