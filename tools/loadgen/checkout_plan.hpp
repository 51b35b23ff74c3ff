// What loadgen sends: checkout number n of a run, derived only from the
// options and n, so a seed replays the same load.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "tools/loadgen/options.hpp"

namespace pay::loadgen {

struct planned_checkout {
  std::string checkout_id;  // lg_<run>_<n>; its orders are lg_<run>_<n>_<k>
  std::string body;         // the POST /v1/payments JSON
  std::uint32_t orders = 0;
};

// Amounts are 1.00 to 999.99 in two-decimal currencies (100 to 99999 minor
// units in any): well inside pspsim's limit, so no order fails for size.
// Within that, what Stripe (and so pspsim) takes: at least the currency's
// minimum charge (HUF 175.00, CZK 15.00, ...), and three-decimal amounts
// (BHD, ...) in steps of 10 minor units; else paymentd refuses the checkout
// (400 amount_invalid) or the order is declined amount_too_small.
inline constexpr std::int64_t amount_minor_min = 100;
inline constexpr std::int64_t amount_minor_max = 99'999;

// The smallest amount loadgen sends in `currency` (an ISO code, any case).
std::int64_t amount_minor_floor(std::string_view currency);
// 1 for most currencies, 10 for three-decimal ones.
std::int64_t amount_step_minor(std::string_view currency);

// A checkout with a 3-D Secure token carries this return_url: without one
// paymentd asks the PSP to decline such a card at once
// (error_on_requires_action); with it the order waits PENDING until pspsim's
// --three-ds-ms decides, as a buyer's challenge would.
inline constexpr const char* three_ds_token = "pm_card_threeDSecureRequired";
inline constexpr const char* return_url = "https://shop.example/loadgen/return";

planned_checkout plan_checkout(const loadgen_options& options,
                               std::uint64_t index);

}  // namespace pay::loadgen
