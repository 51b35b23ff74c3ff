#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "domain/common/currency.hpp"

namespace pay::domain {

// Why a decimal amount or currency code was refused. The numbers are part of
// the API contract (logged, stored, mapped to HTTP errors): never renumber.
enum class money_error : std::uint8_t {
  ok = 0,
  amount_empty = 1,
  // Anything outside digits-dot-digits that no more precise code covers:
  // letters, ".5", "5.", "1..2", "1,00", "0x10", non-ASCII digits, NUL.
  amount_not_a_decimal_string = 2,
  amount_has_sign = 3,           // leading '+' or '-'
  amount_has_exponent = 4,       // "1e3", "1.5E-2"
  amount_too_many_decimals = 5,  // more fraction digits than the exponent
  amount_zero = 6,
  amount_too_large = 7,  // more than amount_minor_max minor units
  currency_unknown = 8,
  currency_not_uppercase = 9,  // three ASCII letters, some lowercase
  amount_has_whitespace = 10,  // ASCII whitespace anywhere
  // "007.50", "00": refused so every amount has one spelling (what
  // format_minor prints, give or take trailing fraction digits) and no
  // client can read leading zeros as octal. A single "0" before the '.'
  // is fine: "0.50".
  amount_leading_zeros = 11,
  // Valid money the PSP cannot take: Stripe charges and refunds three-
  // decimal currencies (BHD, JOD, KWD, OMR, TND) only in steps of 0.010.
  amount_invalid = 12,
};

// Largest amount parse_money accepts, in minor units of any currency.
inline constexpr std::int64_t amount_minor_max =
  std::numeric_limits<std::int64_t>::max();

// Stable snake_case code, e.g. "amount_too_many_decimals".
std::string_view to_code(money_error e);
// One human sentence for API error messages.
std::string_view to_message(money_error e);

struct money {
  std::int64_t amount_minor;
  currency_info currency;
};

// What the PSP refuses of a parsed amount (amount_invalid), or ok. Checked
// at our door so an order or refund is refused, not failed after it was
// accepted.
money_error psp_amount_error(const money& value);

// On error, value is {0, {"", 0}}: read it only when error == ok.
struct money_parse_result {
  money_error error;
  money value;
};

// "12.34" + "USD" -> 1234 minor units. Grammar: digits ['.' digits], with no
// more fraction digits than the currency's exponent (none at all for
// exponent 0) and a positive result no larger than amount_minor_max.
// The currency is checked first (the amount means nothing without it); then
// the amount, in this order: empty, whitespace, sign, exponent, other
// grammar, leading zeros, too many decimals, too large, zero.
money_parse_result parse_money(std::string_view amount,
                               std::string_view currency_code);

// Canonical decimal string with exactly `currency.exponent` decimals:
// 1234 USD -> "12.34", 5 USD -> "0.05", 500 JPY -> "500", 1 BHD -> "0.001".
// Negative values (balances) get a leading '-'; INT64_MIN is handled.
std::string format_minor(std::int64_t amount_minor,
                         const currency_info& currency);

}  // namespace pay::domain
