#include "domain/common/money.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace pay::domain {

namespace {

// Stays on in release builds: a failure here is our bug, not bad input.
void check_invariant(bool holds, const char* what) {
  if (holds) return;
  std::fprintf(stderr, "money invariant violated: %s\n", what);
  std::abort();
}

// Not std::isdigit/isspace: those follow the C locale and are undefined for
// negative chars (any UTF-8 byte), and we want ASCII and nothing else.
bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }

bool is_ascii_whitespace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v'
         || c == '\f';
}

bool is_ascii_letter(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

bool is_digits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!is_ascii_digit(c)) return false;
  }
  return true;
}

// digits ['.' digits]
bool is_plain_decimal(std::string_view text) {
  const std::size_t dot = text.find('.');
  if (dot == std::string_view::npos) return is_digits(text);
  return is_digits(text.substr(0, dot)) && is_digits(text.substr(dot + 1));
}

// A well-formed decimal followed by e/E, an optional sign and digits: worth
// its own error because JSON serialisers emit it for large numbers.
bool is_scientific_notation(std::string_view text) {
  const std::size_t e = text.find_first_of("eE");
  if (e == std::string_view::npos) return false;
  std::string_view power = text.substr(e + 1);
  if (!power.empty() && (power.front() == '+' || power.front() == '-')) {
    power.remove_prefix(1);
  }
  return is_plain_decimal(text.substr(0, e)) && is_digits(power);
}

bool has_whitespace(std::string_view text) {
  for (char c : text) {
    if (is_ascii_whitespace(c)) return true;
  }
  return false;
}

// Everything about the amount that does not depend on the currency.
money_error check_shape(std::string_view amount) {
  if (amount.empty()) return money_error::amount_empty;
  if (has_whitespace(amount)) return money_error::amount_has_whitespace;
  if (amount.front() == '+' || amount.front() == '-') {
    return money_error::amount_has_sign;
  }
  if (is_scientific_notation(amount)) return money_error::amount_has_exponent;
  if (!is_plain_decimal(amount)) {
    return money_error::amount_not_a_decimal_string;
  }
  // find() is npos without a '.', so this is the whole string then.
  const std::size_t integer_size = std::min(amount.find('.'), amount.size());
  if (integer_size > 1 && amount.front() == '0') {
    return money_error::amount_leading_zeros;
  }
  return money_error::ok;
}

// Appends one decimal digit to `value`; false (value untouched) if the
// result would pass amount_minor_max. Checked before multiplying, so no
// signed overflow ever happens.
bool append_digit(std::int64_t& value, int digit) {
  if (value > (amount_minor_max - digit) / 10) return false;
  value = value * 10 + digit;
  return true;
}

// `amount` has passed check_shape. Scales it to minor units.
money_error scale_to_minor(std::string_view amount, std::uint8_t exponent,
                           std::int64_t& amount_minor) {
  const std::size_t dot = amount.find('.');
  const std::string_view integer_part = amount.substr(0, dot);
  const std::string_view fraction_part = dot == std::string_view::npos
                                           ? std::string_view{}
                                           : amount.substr(dot + 1);
  if (fraction_part.size() > exponent) {
    return money_error::amount_too_many_decimals;
  }
  std::int64_t value = 0;
  for (char c : integer_part) {
    if (!append_digit(value, c - '0')) return money_error::amount_too_large;
  }
  for (char c : fraction_part) {
    if (!append_digit(value, c - '0')) return money_error::amount_too_large;
  }
  // "12.3" in a 2-decimal currency means 12.30.
  for (std::size_t i = fraction_part.size(); i < exponent; ++i) {
    if (!append_digit(value, 0)) return money_error::amount_too_large;
  }
  check_invariant(value >= 0, "scaled amount is non-negative");
  amount_minor = value;
  return money_error::ok;
}

money_error check_currency(std::string_view code) {
  if (find_currency(code)) return money_error::ok;
  // "usd" gets a pointed hint; "XXX", "US" and "U$D" are simply unknown.
  bool letters_only = code.size() == 3;
  bool has_lowercase = false;
  for (char c : code) {
    letters_only = letters_only && is_ascii_letter(c);
    has_lowercase = has_lowercase || (c >= 'a' && c <= 'z');
  }
  return letters_only && has_lowercase ? money_error::currency_not_uppercase
                                       : money_error::currency_unknown;
}

}  // namespace

std::string_view to_code(money_error e) {
  switch (e) {
    case money_error::ok:
      return "ok";
    case money_error::amount_empty:
      return "amount_empty";
    case money_error::amount_not_a_decimal_string:
      return "amount_not_a_decimal_string";
    case money_error::amount_has_sign:
      return "amount_has_sign";
    case money_error::amount_has_exponent:
      return "amount_has_exponent";
    case money_error::amount_too_many_decimals:
      return "amount_too_many_decimals";
    case money_error::amount_zero:
      return "amount_zero";
    case money_error::amount_too_large:
      return "amount_too_large";
    case money_error::currency_unknown:
      return "currency_unknown";
    case money_error::currency_not_uppercase:
      return "currency_not_uppercase";
    case money_error::amount_has_whitespace:
      return "amount_has_whitespace";
    case money_error::amount_leading_zeros:
      return "amount_leading_zeros";
    case money_error::amount_invalid:
      return "amount_invalid";
  }
  // Only reachable through a cast from an unknown number.
  return "money_error_unknown";
}

std::string_view to_message(money_error e) {
  switch (e) {
    case money_error::ok:
      return "The amount is valid.";
    case money_error::amount_empty:
      return "The amount must not be empty.";
    case money_error::amount_not_a_decimal_string:
      return "The amount must be a decimal string of ASCII digits with at "
             "most one '.', with digits on both sides of it, e.g. \"12.34\".";
    case money_error::amount_has_sign:
      return "The amount must not carry a '+' or '-' sign.";
    case money_error::amount_has_exponent:
      return "The amount must not use exponent notation such as \"1e3\".";
    case money_error::amount_too_many_decimals:
      return "The amount has more decimal places than the currency allows.";
    case money_error::amount_zero:
      return "The amount must be greater than zero.";
    case money_error::amount_too_large:
      return "The amount is too large.";
    case money_error::currency_unknown:
      return "The currency is not a supported ISO 4217 code.";
    case money_error::currency_not_uppercase:
      return "The currency code must be uppercase, e.g. \"USD\".";
    case money_error::amount_has_whitespace:
      return "The amount must not contain whitespace.";
    case money_error::amount_leading_zeros:
      return "The amount must not have leading zeros, e.g. \"7.50\" rather "
             "than \"007.50\".";
    case money_error::amount_invalid:
      return "In a three-decimal currency the amount must end in 0: the PSP "
             "takes it in steps of 0.010.";
  }
  return "Unknown money error.";
}

money_error psp_amount_error(const money& value) {
  if (value.currency.exponent == 3 && value.amount_minor % 10 != 0)
    return money_error::amount_invalid;
  return money_error::ok;
}

money_parse_result parse_money(std::string_view amount,
                               std::string_view currency_code) {
  const money no_value{0, {"", 0}};
  const money_error currency_error = check_currency(currency_code);
  if (currency_error != money_error::ok) {
    return {currency_error, no_value};
  }
  const currency_info currency = *find_currency(currency_code);
  const money_error shape_error = check_shape(amount);
  if (shape_error != money_error::ok) return {shape_error, no_value};

  std::int64_t amount_minor = 0;
  const money_error scale_error = scale_to_minor(amount, currency.exponent,
                                                 amount_minor);
  if (scale_error != money_error::ok) return {scale_error, no_value};
  if (amount_minor == 0) return {money_error::amount_zero, no_value};
  return {money_error::ok, money{amount_minor, currency}};
}

std::string format_minor(std::int64_t amount_minor,
                         const currency_info& currency) {
  // Unsigned magnitude: -INT64_MIN does not fit in int64, but does in uint64.
  const bool negative = amount_minor < 0;
  const std::uint64_t magnitude =
    negative ? std::uint64_t{0} - static_cast<std::uint64_t>(amount_minor)
             : static_cast<std::uint64_t>(amount_minor);
  std::string digits = std::to_string(magnitude);
  const std::size_t exponent = currency.exponent;
  if (exponent > 0) {
    // At least one digit before the '.': 5 -> "0.05", not ".05".
    if (digits.size() < exponent + 1) {
      digits.insert(0, exponent + 1 - digits.size(), '0');
    }
    digits.insert(digits.size() - exponent, 1, '.');
  }
  if (negative) digits.insert(0, 1, '-');
  return digits;
}

}  // namespace pay::domain
