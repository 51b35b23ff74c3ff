// An amount as a buyer reads it on the hosted pages ("$12.34", "¥500",
// "12,345 KRW"): domain::display_amount, fed Stripe's wire amounts. Display
// only, never parsed back.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace pay::pspsim {

// `amount_minor` is in Stripe's minor units for `currency` (either case):
// the ISO ones except where Stripe keeps two decimals the currency does not
// use (isk: 10000 is 100 ISK). An amount that does not fit the ISO exponent
// keeps Stripe's decimals rather than be rounded.
std::string display_amount(std::int64_t amount_minor,
                           std::string_view currency);

}  // namespace pay::pspsim
