#pragma once
// Amounts as a buyer reads them on a page: "$12.34", "¥500", "12,345 KRW".
// The API's decimal strings ("12.34") are for machines; pages show this.

#include <cstdint>
#include <string>
#include <string_view>

#include "domain/common/currency.hpp"

namespace pay::domain {

// Grouped by thousands with the currency's exponent ("1,234.50"). Negative
// amounts get a leading '-'.
std::string grouped_amount(std::int64_t amount_minor,
                           const currency_info& currency);

// With the currency's sign where one is unambiguous to a reader ("$12.34",
// "€12.34", "£12.34", "¥500"), else the code after the number
// ("12,345 KRW", "1.234 BHD"). An unknown code is printed as given, after the
// number with exponent 2, so a page never fails on it.
std::string display_amount(std::int64_t amount_minor, std::string_view code);

// The same, with `currency`'s exponent as given (a PSP's wire decimals that
// differ from ISO 4217's, for instance).
std::string display_amount(std::int64_t amount_minor,
                           const currency_info& currency);

}  // namespace pay::domain
