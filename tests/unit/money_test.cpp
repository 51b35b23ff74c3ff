#include "domain/common/money.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <vector>

namespace pay::domain {
namespace {

using namespace std::string_literals;

constexpr std::int64_t int64_max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t int64_min = std::numeric_limits<std::int64_t>::min();

currency_info currency(std::string_view code) {
  const std::optional<currency_info> found = find_currency(code);
  EXPECT_TRUE(found.has_value()) << code;
  return found.value_or(currency_info{"", 0});
}

// ---- parse_money: one row per input ---------------------------------------

struct parse_row {
  const char* name;
  std::string amount;  // std::string so rows can hold an embedded NUL
  std::string currency_code;
  money_error error;
  std::int64_t amount_minor;  // 0 for refused rows
};

void PrintTo(const parse_row& row, std::ostream* out) { *out << row.name; }

class parse_money_row : public ::testing::TestWithParam<parse_row> {};

TEST_P(parse_money_row, gives_the_expected_error_and_minor_units) {
  const parse_row& row = GetParam();
  const money_parse_result result = parse_money(row.amount, row.currency_code);
  EXPECT_EQ(to_code(result.error), to_code(row.error));
  EXPECT_EQ(result.value.amount_minor, row.amount_minor);
  if (row.error == money_error::ok) {
    EXPECT_EQ(result.value.currency.code, row.currency_code);
  } else {
    EXPECT_EQ(result.value.currency.code, "");
  }
}

constexpr money_error ok = money_error::ok;
constexpr money_error empty = money_error::amount_empty;
constexpr money_error not_decimal = money_error::amount_not_a_decimal_string;
constexpr money_error sign = money_error::amount_has_sign;
constexpr money_error exponent = money_error::amount_has_exponent;
constexpr money_error decimals = money_error::amount_too_many_decimals;
constexpr money_error zero = money_error::amount_zero;
constexpr money_error too_large = money_error::amount_too_large;
constexpr money_error unknown = money_error::currency_unknown;
constexpr money_error lowercase = money_error::currency_not_uppercase;
constexpr money_error whitespace = money_error::amount_has_whitespace;
constexpr money_error leading_zeros = money_error::amount_leading_zeros;

const std::vector<parse_row> accepted_rows = {
  {"usd_dollars_and_cents", "12.34", "USD", ok, 1234},
  {"usd_cents_only", "0.05", "USD", ok, 5},
  {"usd_one_cent", "0.01", "USD", ok, 1},
  {"usd_whole_dollars", "12", "USD", ok, 1200},
  {"usd_one_decimal_means_tens_of_cents", "12.3", "USD", ok, 1230},
  {"usd_half_dollar_with_single_leading_zero", "0.50", "USD", ok, 50},
  {"usd_trailing_zero_in_fraction", "10.50", "USD", ok, 1050},
  {"usd_int64_max_exactly", "92233720368547758.07", "USD", ok, int64_max},
  {"usd_largest_whole_amount", "92233720368547758", "USD", ok,
   9'223'372'036'854'775'800},
  {"eur_whole", "10", "EUR", ok, 1000},
  {"gbp_pence", "0.99", "GBP", ok, 99},
  {"jpy_whole", "500", "JPY", ok, 500},
  {"jpy_one_yen", "1", "JPY", ok, 1},
  {"jpy_int64_max_exactly", "9223372036854775807", "JPY", ok, int64_max},
  {"krw_million", "1000000", "KRW", ok, 1'000'000},
  {"bhd_three_decimals", "1.234", "BHD", ok, 1234},
  {"bhd_one_fils", "0.001", "BHD", ok, 1},
  {"bhd_one_decimal", "1.2", "BHD", ok, 1200},
  {"bhd_two_decimals", "1.23", "BHD", ok, 1230},
  {"bhd_whole", "7", "BHD", ok, 7000},
  {"bhd_int64_max_exactly", "9223372036854775.807", "BHD", ok, int64_max},
  {"kwd_half", "0.5", "KWD", ok, 500},
};

const std::vector<parse_row> limit_rows = {
  {"usd_int64_max_plus_one", "92233720368547758.08", "USD", too_large, 0},
  {"usd_overflow_while_padding_fraction", "92233720368547758.1", "USD",
   too_large, 0},
  {"usd_overflow_while_scaling_whole", "92233720368547759", "USD", too_large,
   0},
  {"jpy_int64_max_plus_one", "9223372036854775808", "JPY", too_large, 0},
  {"jpy_uint64_max", "18446744073709551615", "JPY", too_large, 0},
  {"jpy_uint64_max_plus_one", "18446744073709551616", "JPY", too_large, 0},
  {"bhd_int64_max_plus_one", "9223372036854775.808", "BHD", too_large, 0},
  {"huge_digit_string", std::string(400, '9'), "USD", too_large, 0},
  {"huge_digit_string_with_cents", std::string(100, '1') + ".00", "USD",
   too_large, 0},
  {"usd_three_decimals", "1.234", "USD", decimals, 0},
  {"usd_trailing_zero_past_exponent", "1.230", "USD", decimals, 0},
  {"usd_tenth_of_a_cent", "0.001", "USD", decimals, 0},
  {"jpy_any_fraction_even_zero", "500.0", "JPY", decimals, 0},
  {"jpy_half_yen", "1.5", "JPY", decimals, 0},
  {"bhd_four_decimals", "1.2345", "BHD", decimals, 0},
  {"huge_fraction", "0." + std::string(1000, '0') + "1", "USD", decimals, 0},
  {"usd_zero", "0", "USD", zero, 0},
  {"usd_zero_with_cents", "0.00", "USD", zero, 0},
  {"usd_zero_with_one_decimal", "0.0", "USD", zero, 0},
  {"jpy_zero", "0", "JPY", zero, 0},
  {"bhd_zero_with_three_decimals", "0.000", "BHD", zero, 0},
  {"leading_zeros_with_fraction", "007.50", "USD", leading_zeros, 0},
  {"leading_zero_before_digit", "01", "USD", leading_zeros, 0},
  {"double_zero", "00", "USD", leading_zeros, 0},
  {"double_zero_with_fraction", "00.5", "USD", leading_zeros, 0},
  {"jpy_leading_zeros", "0007", "JPY", leading_zeros, 0},
};

const std::vector<parse_row> malformed_rows = {
  {"empty", "", "USD", empty, 0},
  {"minus_one", "-1", "USD", sign, 0},
  {"plus_one", "+1", "USD", sign, 0},
  {"minus_zero", "-0", "USD", sign, 0},
  {"lone_minus", "-", "USD", sign, 0},
  {"double_minus", "--1", "USD", sign, 0},
  {"minus_infinity", "-Infinity", "USD", sign, 0},
  {"exponent_lowercase", "1e3", "USD", exponent, 0},
  {"exponent_uppercase", "1E3", "USD", exponent, 0},
  {"exponent_negative", "1.5e-2", "USD", exponent, 0},
  {"exponent_explicit_plus", "1e+2", "USD", exponent, 0},
  {"exponent_without_mantissa", "e3", "USD", not_decimal, 0},
  {"exponent_without_power", "1e", "USD", not_decimal, 0},
  {"leading_space", " 1", "USD", whitespace, 0},
  {"trailing_space", "1 ", "USD", whitespace, 0},
  {"space_as_thousands_separator", "1 000", "USD", whitespace, 0},
  {"leading_tab", "\t1", "USD", whitespace, 0},
  {"trailing_newline", "1\n", "USD", whitespace, 0},
  {"only_space", " ", "USD", whitespace, 0},
  {"space_before_sign", " -1", "USD", whitespace, 0},
  {"comma_decimal_separator", "1,00", "USD", not_decimal, 0},
  {"no_digit_before_dot", ".5", "USD", not_decimal, 0},
  {"no_digit_after_dot", "5.", "USD", not_decimal, 0},
  {"lone_dot", ".", "USD", not_decimal, 0},
  {"two_dots_together", "1..2", "USD", not_decimal, 0},
  {"two_dots_apart", "1.2.3", "USD", not_decimal, 0},
  {"letters", "abc", "USD", not_decimal, 0},
  {"hexadecimal", "0x10", "USD", not_decimal, 0},
  {"underscore_separator", "1_000", "USD", not_decimal, 0},
  {"currency_symbol_prefix", "$12", "USD", not_decimal, 0},
  {"currency_code_suffix", "12.34USD", "USD", not_decimal, 0},
  {"arabic_indic_digit", "\xD9\xA1", "USD", not_decimal, 0},
  {"ascii_then_arabic_indic_digit", "1\xD9\xA1", "USD", not_decimal, 0},
  {"full_width_digit", "\xEF\xBC\x91", "USD", not_decimal, 0},
  {"non_breaking_space", "1\xC2\xA0", "USD", not_decimal, 0},
  {"nan", "NaN", "USD", not_decimal, 0},
  {"nan_lowercase", "nan", "USD", not_decimal, 0},
  {"infinity", "Infinity", "USD", not_decimal, 0},
  {"inf", "inf", "USD", not_decimal, 0},
  {"embedded_nul",
   "1\0"s
   "2",
   "USD", not_decimal, 0},
  {"trailing_nul", "12\0"s, "USD", not_decimal, 0},
  {"only_nul", "\0"s, "USD", not_decimal, 0},
};

const std::vector<parse_row> currency_rows = {
  {"currency_lowercase", "1", "usd", lowercase, 0},
  {"currency_capitalised", "1", "Usd", lowercase, 0},
  {"currency_lowercase_unknown", "1", "xyz", lowercase, 0},
  {"currency_iso_no_currency", "1", "XXX", unknown, 0},
  {"currency_unassigned", "1", "ABC", unknown, 0},
  {"currency_two_letters", "1", "US", unknown, 0},
  {"currency_four_letters", "1", "USDD", unknown, 0},
  {"currency_empty", "1", "", unknown, 0},
  {"currency_digit", "1", "US1", unknown, 0},
  {"currency_symbol", "1", "U$D", unknown, 0},
  {"currency_trailing_nul", "1", "USD\0"s, unknown, 0},
  {"currency_leading_space", "1", " USD", unknown, 0},
  {"currency_checked_before_amount", "abc", "usd", lowercase, 0},
  {"unknown_currency_wins_over_empty_amount", "", "XXX", unknown, 0},
};

std::string row_name(const ::testing::TestParamInfo<parse_row>& info) {
  return info.param.name;
}

INSTANTIATE_TEST_SUITE_P(accepted, parse_money_row,
                         ::testing::ValuesIn(accepted_rows), row_name);
INSTANTIATE_TEST_SUITE_P(limits, parse_money_row,
                         ::testing::ValuesIn(limit_rows), row_name);
INSTANTIATE_TEST_SUITE_P(malformed, parse_money_row,
                         ::testing::ValuesIn(malformed_rows), row_name);
INSTANTIATE_TEST_SUITE_P(currencies, parse_money_row,
                         ::testing::ValuesIn(currency_rows), row_name);

TEST(parse_money, accepted_amount_carries_the_currency_exponent) {
  const money_parse_result result = parse_money("1", "BHD");
  ASSERT_EQ(result.error, money_error::ok);
  EXPECT_EQ(result.value.currency.code, "BHD");
  EXPECT_EQ(int{result.value.currency.exponent}, 3);
}

TEST(parse_money, limit_is_int64_max_not_a_smaller_cap) {
  EXPECT_EQ(amount_minor_max, int64_max);
}

// ---- format_minor ---------------------------------------------------------

struct format_row {
  const char* name;
  std::int64_t amount_minor;
  const char* currency_code;
  const char* expected;
};

class format_minor_row : public ::testing::TestWithParam<format_row> {};

TEST_P(format_minor_row, prints_exactly_exponent_decimals) {
  const format_row& row = GetParam();
  EXPECT_EQ(format_minor(row.amount_minor, currency(row.currency_code)),
            row.expected);
}

INSTANTIATE_TEST_SUITE_P(
  canonical_strings, format_minor_row,
  ::testing::Values(
    format_row{"usd_dollars_and_cents", 1234, "USD", "12.34"},
    format_row{"usd_cents_only", 5, "USD", "0.05"},
    format_row{"usd_ten_cents", 10, "USD", "0.10"},
    format_row{"usd_one_dollar", 100, "USD", "1.00"},
    format_row{"usd_zero", 0, "USD", "0.00"},
    format_row{"usd_int64_max", int64_max, "USD", "92233720368547758.07"},
    format_row{"usd_negative_cents", -5, "USD", "-0.05"},
    format_row{"usd_negative", -1234, "USD", "-12.34"},
    format_row{"usd_int64_min", int64_min, "USD", "-92233720368547758.08"},
    format_row{"jpy_whole", 500, "JPY", "500"},
    format_row{"jpy_zero", 0, "JPY", "0"},
    format_row{"jpy_negative", -7, "JPY", "-7"},
    format_row{"jpy_int64_min", int64_min, "JPY", "-9223372036854775808"},
    format_row{"bhd_one_fils", 1, "BHD", "0.001"},
    format_row{"bhd_one_dinar", 1000, "BHD", "1.000"},
    format_row{"bhd_negative_fils", -1, "BHD", "-0.001"},
    format_row{"bhd_int64_max", int64_max, "BHD", "9223372036854775.807"}),
  [](const ::testing::TestParamInfo<format_row>& info) {
    return std::string{info.param.name};
  });

// Deterministic spread of values over the whole positive int64 range: powers
// of ten and their neighbours (where padding and carries change), the top of
// the range, and a fixed-seed linear congruential walk.
std::vector<std::int64_t> round_trip_values() {
  std::vector<std::int64_t> values = {
    1, 2, 9, 11, 99, 101, 999, 1001, 123'456'789, int64_max, int64_max - 1};
  std::int64_t power = 1;
  for (int i = 0; i < 18; ++i) {
    power *= 10;
    values.push_back(power - 1);
    values.push_back(power);
    values.push_back(power + 1);
  }
  std::uint64_t state = 0x9E3779B97F4A7C15u;
  for (int i = 0; i < 500; ++i) {
    state = state * 6364136223846793005u + 1442695040888963407u;
    const auto value = static_cast<std::int64_t>(state >> 1);
    values.push_back(value == 0 ? 1 : value);
    values.push_back(static_cast<std::int64_t>(state >> 40) + 1);
  }
  return values;
}

TEST(format_minor, parse_of_format_gives_back_the_same_minor_units) {
  const std::vector<std::int64_t> values = round_trip_values();
  for (const currency_info& currency : currency_table) {
    for (std::int64_t value : values) {
      const std::string text = format_minor(value, currency);
      const money_parse_result result = parse_money(text, currency.code);
      ASSERT_EQ(to_code(result.error), "ok") << text << ' ' << currency.code;
      ASSERT_EQ(result.value.amount_minor, value)
        << text << ' ' << currency.code;
    }
  }
}

TEST(format_minor, canonical_input_is_printed_back_unchanged) {
  const std::vector<std::pair<const char*, const char*>> inputs = {
    {"12.34", "USD"}, {"0.05", "USD"},  {"500", "JPY"},
    {"0.001", "BHD"}, {"1.000", "KWD"}, {"92233720368547758.07", "USD"}};
  for (const auto& [amount, code] : inputs) {
    const money_parse_result result = parse_money(amount, code);
    ASSERT_EQ(to_code(result.error), "ok") << amount;
    EXPECT_EQ(format_minor(result.value.amount_minor, result.value.currency),
              amount);
  }
}

// ---- error codes ----------------------------------------------------------

struct error_row {
  money_error error;
  int number;
  const char* code;
};

// The numbers and codes are part of the API contract; this pins them.
const std::vector<error_row> every_error = {
  {money_error::ok, 0, "ok"},
  {money_error::amount_empty, 1, "amount_empty"},
  {money_error::amount_not_a_decimal_string, 2, "amount_not_a_decimal_string"},
  {money_error::amount_has_sign, 3, "amount_has_sign"},
  {money_error::amount_has_exponent, 4, "amount_has_exponent"},
  {money_error::amount_too_many_decimals, 5, "amount_too_many_decimals"},
  {money_error::amount_zero, 6, "amount_zero"},
  {money_error::amount_too_large, 7, "amount_too_large"},
  {money_error::currency_unknown, 8, "currency_unknown"},
  {money_error::currency_not_uppercase, 9, "currency_not_uppercase"},
  {money_error::amount_has_whitespace, 10, "amount_has_whitespace"},
  {money_error::amount_leading_zeros, 11, "amount_leading_zeros"},
};

TEST(money_error, numbers_and_codes_never_change) {
  for (const error_row& row : every_error) {
    EXPECT_EQ(static_cast<int>(row.error), row.number) << row.code;
    EXPECT_EQ(to_code(row.error), row.code);
  }
}

TEST(money_error, every_error_has_its_own_message_ending_in_a_full_stop) {
  std::set<std::string_view> messages;
  for (const error_row& row : every_error) {
    const std::string_view message = to_message(row.error);
    ASSERT_FALSE(message.empty()) << row.code;
    EXPECT_EQ(message.back(), '.') << row.code;
    EXPECT_TRUE(messages.insert(message).second) << row.code;
  }
}

TEST(money_error, unknown_number_gets_a_fallback_code_not_a_crash) {
  const auto stray = static_cast<money_error>(200);
  EXPECT_EQ(to_code(stray), "money_error_unknown");
  EXPECT_FALSE(to_message(stray).empty());
}

}  // namespace
}  // namespace pay::domain
