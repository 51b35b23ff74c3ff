#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pay::domain {

// An ISO 4217 currency: its alphabetic code and its minor-unit exponent
// (USD 2: 1 USD = 100 minor units; JPY 0; BHD 3).
struct currency_info {
  std::string_view code;  // always points into currency_table, never at input
  std::uint8_t exponent;
};

// Every currency we accept, sorted by code (find_currency binary-searches it;
// currency.cpp checks the order and the code shape at compile time).
// Exponents follow ISO 4217, not any one PSP: Stripe, for example, sends ISK
// and HUF with two decimals on the wire, so a PSP adapter must convert.
inline constexpr currency_info currency_table[] = {
  {"AED", 2}, {"AUD", 2}, {"BHD", 3}, {"BRL", 2}, {"CAD", 2}, {"CHF", 2},
  {"CLP", 0}, {"CNY", 2}, {"CZK", 2}, {"DKK", 2}, {"EUR", 2}, {"GBP", 2},
  {"HKD", 2}, {"HUF", 2}, {"IDR", 2}, {"ILS", 2}, {"INR", 2}, {"IQD", 3},
  {"ISK", 0}, {"JOD", 3}, {"JPY", 0}, {"KRW", 0}, {"KWD", 3}, {"LYD", 3},
  {"MXN", 2}, {"MYR", 2}, {"NOK", 2}, {"NZD", 2}, {"OMR", 3}, {"PHP", 2},
  {"PLN", 2}, {"PYG", 0}, {"SAR", 2}, {"SEK", 2}, {"SGD", 2}, {"THB", 2},
  {"TND", 3}, {"TRY", 2}, {"TWD", 2}, {"UGX", 0}, {"USD", 2}, {"VND", 0},
  {"XAF", 0}, {"XOF", 0}, {"ZAR", 2},
};

// Codes are exactly three uppercase ASCII letters. Anything else, lowercase
// included ("usd"), is not found: the API is strict so a typo never silently
// picks a currency.
std::optional<currency_info> find_currency(std::string_view code);

// The code as Stripe's API spells it: lowercase ("usd").
std::string stripe_currency(std::string_view code);

}  // namespace pay::domain
