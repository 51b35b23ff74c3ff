// parse_money and format_minor. Input: "<currency> <amount>", e.g.
// "USD 12.34". Three properties:
//   - the error is the one the grammar in money.hpp names, in its order
//     (an independent reading of that grammar, with 128-bit arithmetic);
//   - an accepted amount formats back to its canonical spelling;
//   - any int64 formatted in a currency parses back to itself (or is
//     refused as zero / signed when it is not positive).

#include <cstring>
#include <iterator>
#include <string>

#include "domain/common/money.hpp"
#include "fuzz/check.hpp"
#include "fuzz/input.hpp"

namespace {

using pay::domain::currency_info;
using pay::domain::money_error;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v'
         || c == '\f';
}
bool digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_digit(c)) return false;
  return true;
}
bool decimal(std::string_view s) {
  auto dot = s.find('.');
  if (dot == std::string_view::npos) return digits(s);
  return digits(s.substr(0, dot)) && digits(s.substr(dot + 1));
}

struct expected {
  money_error error;
  std::int64_t minor;
};

expected read_amount(std::string_view s, unsigned exponent) {
  if (s.empty()) return {money_error::amount_empty, 0};
  for (char c : s)
    if (is_space(c)) return {money_error::amount_has_whitespace, 0};
  if (s[0] == '+' || s[0] == '-') return {money_error::amount_has_sign, 0};
  if (auto e = s.find_first_of("eE"); e != std::string_view::npos) {
    auto power = s.substr(e + 1);
    if (!power.empty() && (power[0] == '+' || power[0] == '-'))
      power.remove_prefix(1);
    if (decimal(s.substr(0, e)) && digits(power))
      return {money_error::amount_has_exponent, 0};
  }
  if (!decimal(s)) return {money_error::amount_not_a_decimal_string, 0};
  auto dot = s.find('.');
  auto whole = s.substr(0, dot);
  auto fraction = dot == std::string_view::npos ? std::string_view{}
                                                : s.substr(dot + 1);
  if (whole.size() > 1 && whole[0] == '0')
    return {money_error::amount_leading_zeros, 0};
  if (fraction.size() > exponent)
    return {money_error::amount_too_many_decimals, 0};
  // Saturates just above int64's range, so no digit count overflows it.
  constexpr __int128 over = static_cast<__int128>(INT64_MAX) + 1;
  __int128 value = 0;
  auto push = [&](int d) { value = value >= over ? over : value * 10 + d; };
  for (char c : whole) push(c - '0');
  for (char c : fraction) push(c - '0');
  for (std::size_t i = fraction.size(); i < exponent; ++i) push(0);
  if (value >= over) return {money_error::amount_too_large, 0};
  if (value == 0) return {money_error::amount_zero, 0};
  return {money_error::ok, static_cast<std::int64_t>(value)};
}

// "12.3" in USD is spelled "12.30"; "5" is "5.00"; JPY "500" stays.
std::string canonical(std::string_view amount, unsigned exponent) {
  std::string out{amount};
  if (exponent == 0) return out;
  auto dot = out.find('.');
  if (dot == std::string::npos) {
    out.push_back('.');
    dot = out.size() - 1;
  }
  out.append(exponent - (out.size() - dot - 1), '0');
  return out;
}

void check_round_trip(std::int64_t minor, const currency_info& currency) {
  const std::string text = pay::domain::format_minor(minor, currency);
  const auto back = pay::domain::parse_money(text, currency.code);
  if (minor > 0) {
    FUZZ_CHECK(back.error == money_error::ok);
    FUZZ_CHECK(back.value.amount_minor == minor);
  } else {
    FUZZ_CHECK(back.error
               == (minor == 0 ? money_error::amount_zero
                              : money_error::amount_has_sign));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const std::string_view text = pay::fuzz::as_text(data, size);
  const std::size_t space = text.find(' ');
  const std::string_view code = text.substr(0, space);
  const std::string_view amount = space == std::string_view::npos
                                    ? std::string_view{}
                                    : text.substr(space + 1);

  const auto parsed = pay::domain::parse_money(amount, code);
  FUZZ_CHECK(!pay::domain::to_code(parsed.error).empty());
  FUZZ_CHECK(!pay::domain::to_message(parsed.error).empty());
  const auto currency = pay::domain::find_currency(code);
  if (!currency) {
    FUZZ_CHECK(parsed.error == money_error::currency_unknown
               || parsed.error == money_error::currency_not_uppercase);
  } else {
    const expected want = read_amount(amount, currency->exponent);
    FUZZ_CHECK(parsed.error == want.error);
    if (parsed.error == money_error::ok) {
      FUZZ_CHECK(parsed.value.amount_minor == want.minor);
      FUZZ_CHECK(parsed.value.currency.code == currency->code);
      FUZZ_CHECK(pay::domain::format_minor(parsed.value.amount_minor,
                                           parsed.value.currency)
                 == canonical(amount, currency->exponent));
    }
  }
  if (parsed.error != money_error::ok) {
    FUZZ_CHECK(parsed.value.amount_minor == 0);
    FUZZ_CHECK(parsed.value.currency.code.empty());
  }

  // The same bytes as a number, in the currency of the last byte.
  std::int64_t minor = 0;
  std::memcpy(&minor, data, size < sizeof minor ? size : sizeof minor);
  const std::size_t currencies = std::size(pay::domain::currency_table);
  check_round_trip(
    minor,
    pay::domain::currency_table[size == 0 ? 0 : data[size - 1] % currencies]);
  return 0;
}
