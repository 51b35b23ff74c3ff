// Stripe's per-currency rules for amounts in minor units (its "Supported
// currencies" page): the minimum charge, and three-decimal currencies whose
// amounts must end in 0. Currencies are lowercase, as on the wire.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "pspsim/param_error.hpp"

namespace pay::pspsim {

// Stripe's published minimum charge, in minor units; nullopt for a currency
// Stripe lists none for (it then converts to the account's currency, which
// pspsim cannot: any positive amount passes).
std::optional<std::int64_t> minimum_charge_minor(std::string_view currency);

// bhd, jod, kwd, omr, tnd: Stripe takes three decimals but only amounts
// whose last digit is 0.
bool is_three_decimal(std::string_view currency);

// The decimals Stripe writes the currency with: 0 (jpy, ...), 3 (bhd, ...)
// or 2.
int stripe_decimals(std::string_view currency);

// "0.50 usd", "50 jpy", "1.230 bhd": for messages.
std::string format_minor(std::int64_t amount_minor, std::string_view currency);

// What a charge of `amount_minor` breaks, if anything: amount_too_small
// below the minimum, invalid_charge_amount for a three-decimal amount not
// ending in 0. `param` names the field in the answer.
std::optional<param_error> check_charge_amount(std::int64_t amount_minor,
                                               std::string_view currency,
                                               std::string_view param);

// Only the three-decimal rule (refunds: the minimum is a charge's).
std::optional<param_error> check_three_decimal_amount(std::int64_t amount_minor,
                                                      std::string_view currency,
                                                      std::string_view param);

}  // namespace pay::pspsim
