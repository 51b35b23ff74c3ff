#pragma once
// The buyer's status page (GET /pay/status/{checkout_id}): where the hosted
// payment page's return URL points. HTML that refreshes itself until the
// checkout is final, or the same as JSON. It shows only what the buyer may
// see: statuses, amounts, decline codes; no PSP references, no buyer data,
// no operator's notes (failure messages), no merchant account ids.

#include <string>
#include <string_view>

#include "domain/payin/records.hpp"

namespace pay::gateway {

// Who the buyer paid, as the page names it. paymentd has no merchant or
// shop name in its configuration or in its API keys' accounts yet, so
// every page names the platform.
inline constexpr std::string_view status_page_merchant_name = "Marketplace";

std::string render_status_page_html(const checkout_view& checkout);
std::string render_status_page_json(const checkout_view& checkout);

}  // namespace pay::gateway
