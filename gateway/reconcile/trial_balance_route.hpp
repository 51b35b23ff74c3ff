#pragma once
// GET /admin/ledger/trial_balance: every ledger account's balance per
// currency and each currency's total, with the authorizations held as a
// memo; JSON, or CSV with ?format=csv or Accept: text/csv.

#include <string_view>

#include "gateway/common/exchange.hpp"

namespace pay::gateway {

inline constexpr std::string_view trial_balance_path =
  "/admin/ledger/trial_balance";

void trial_balance_route(const context& ctx, const exchange_ptr& ex);

}  // namespace pay::gateway
