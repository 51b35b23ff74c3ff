#include "pspsim/stripe_amounts.hpp"

#include <algorithm>
#include <string>

namespace pay::pspsim {
namespace {

struct minimum {
  std::string_view currency;
  std::int64_t minor;
};

// docs.stripe.com/currencies, "Minimum and maximum charge amounts".
constexpr minimum minimums[] = {
  {"aed", 200}, {"aud", 50},    {"bgn", 100},  {"brl", 50},  {"cad", 50},
  {"chf", 50},  {"czk", 1500},  {"dkk", 250},  {"eur", 50},  {"gbp", 30},
  {"hkd", 400}, {"huf", 17500}, {"inr", 50},   {"jpy", 50},  {"mxn", 1000},
  {"myr", 200}, {"nok", 300},   {"nzd", 50},   {"pln", 200}, {"ron", 200},
  {"sek", 300}, {"sgd", 50},    {"thb", 1000}, {"usd", 50},
};

constexpr std::string_view three_decimal[] = {"bhd", "jod", "kwd", "omr",
                                              "tnd"};

constexpr std::string_view zero_decimal[] = {"bif", "clp", "djf", "gnf",
                                             "jpy", "kmf", "krw", "mga",
                                             "pyg", "rwf", "ugx", "vnd",
                                             "vuv", "xaf", "xof", "xpf"};

template <class Range>
bool contains(const Range& range, std::string_view currency) {
  return std::find(std::begin(range), std::end(range), currency)
         != std::end(range);
}

}  // namespace

std::optional<std::int64_t> minimum_charge_minor(std::string_view currency) {
  for (const auto& m : minimums) {
    if (m.currency == currency) return m.minor;
  }
  return std::nullopt;
}

bool is_three_decimal(std::string_view currency) {
  return contains(three_decimal, currency);
}

int stripe_decimals(std::string_view currency) {
  if (contains(zero_decimal, currency)) return 0;
  return is_three_decimal(currency) ? 3 : 2;
}

std::string format_minor(std::int64_t amount_minor, std::string_view currency) {
  const int decimals = stripe_decimals(currency);
  std::string digits = std::to_string(amount_minor);
  if (decimals > 0) {
    const auto width = static_cast<std::size_t>(decimals) + 1;
    if (digits.size() < width) digits.insert(0, width - digits.size(), '0');
    digits.insert(digits.size() - static_cast<std::size_t>(decimals), ".");
  }
  return digits + " " + std::string(currency);
}

std::optional<param_error> check_charge_amount(std::int64_t amount_minor,
                                               std::string_view currency,
                                               std::string_view param) {
  const std::int64_t least = minimum_charge_minor(currency).value_or(1);
  if (amount_minor < least) {
    return param_error{400, "amount_too_small",
                       "Amount must be at least "
                         + format_minor(least, currency),
                       std::string(param)};
  }
  return check_three_decimal_amount(amount_minor, currency, param);
}

std::optional<param_error> check_three_decimal_amount(std::int64_t amount_minor,
                                                      std::string_view currency,
                                                      std::string_view param) {
  if (is_three_decimal(currency) && amount_minor % 10 != 0) {
    return param_error{
      400, "invalid_charge_amount",
      "Invalid amount: " + std::to_string(amount_minor) + ". Amounts in "
        + std::string(currency)
        + " (a three-decimal currency) must be multiples of 10: round to the "
          "nearest ten.",
      std::string(param)};
  }
  return std::nullopt;
}

}  // namespace pay::pspsim
