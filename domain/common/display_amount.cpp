#include "domain/common/display_amount.hpp"

#include <array>

namespace pay::domain {

namespace {

struct currency_sign {
  std::string_view code;
  std::string_view sign;
};

// Only signs a buyer cannot misread: "$" is the US dollar here (AUD, CAD,
// ... get their code), "¥" the yen (CNY gets its code).
constexpr std::array<currency_sign, 4> signs = {{
  {"EUR", "€"},
  {"GBP", "£"},
  {"JPY", "¥"},
  {"USD", "$"},
}};

std::string_view sign_of(std::string_view code) {
  for (const auto& s : signs)
    if (s.code == code) return s.sign;
  return {};
}

}  // namespace

std::string grouped_amount(std::int64_t amount_minor,
                           const currency_info& currency) {
  // Unsigned, so the most negative amount prints without overflow.
  const bool negative = amount_minor < 0;
  std::uint64_t magnitude = negative
                              ? ~static_cast<std::uint64_t>(amount_minor) + 1
                              : static_cast<std::uint64_t>(amount_minor);
  std::string fraction;
  for (std::uint8_t i = 0; i < currency.exponent; ++i) {
    fraction.insert(fraction.begin(), static_cast<char>('0' + magnitude % 10));
    magnitude /= 10;
  }
  std::string whole = std::to_string(magnitude);
  std::string grouped;
  for (std::size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) grouped.push_back(',');
    grouped.push_back(whole[i]);
  }
  std::string out = negative ? "-" : "";
  out += grouped;
  if (!fraction.empty()) out += "." + fraction;
  return out;
}

std::string display_amount(std::int64_t amount_minor, std::string_view code) {
  auto found = find_currency(code);
  return display_amount(amount_minor, found ? *found : currency_info{code, 2});
}

std::string display_amount(std::int64_t amount_minor,
                           const currency_info& currency) {
  auto number = grouped_amount(amount_minor, currency);
  auto sign = sign_of(currency.code);
  if (sign.empty()) return number + " " + std::string{currency.code};
  if (number.front() == '-') return "-" + std::string{sign} + number.substr(1);
  return std::string{sign} + number;
}

}  // namespace pay::domain
