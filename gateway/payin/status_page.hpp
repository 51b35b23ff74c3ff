#pragma once
// The buyer's status page (GET /pay/status/{checkout_id}): where the hosted
// payment page's return URL points. HTML that refreshes itself until the
// checkout is final, or the same as JSON. It shows only what the buyer may
// see: statuses, amounts, decline codes; no PSP references, no buyer data.

#include <string>

#include "domain/payin/records.hpp"

namespace pay::gateway {

std::string render_status_page_html(const checkout_view& checkout);
std::string render_status_page_json(const checkout_view& checkout);

}  // namespace pay::gateway
