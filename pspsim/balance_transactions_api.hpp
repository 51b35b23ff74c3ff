// GET /v1/balance_transactions: Stripe's list of what moved the balance,
// newest first, built from the same settled lines as the settlement files
// (settled_days.hpp), distortions included, plus the transfer reversals
// the files leave out. Query (stripe_params.hpp):
// created[gt|gte|lt|lte], limit 1..100 (10), starting_after, type,
// expand[0]=data.source. Authentication is checked by handle_v1.
#pragma once

#include <string_view>

#include "http/server.hpp"
#include "pspsim/sim_parts.hpp"
#include "pspsim/sim_time.hpp"

namespace pay::pspsim {

constexpr std::string_view balance_transactions_path =
  "/v1/balance_transactions";

http::response list_balance_transactions(const http::request& req,
                                         const sim_parts& parts,
                                         const sim_time& now);

}  // namespace pay::pspsim
