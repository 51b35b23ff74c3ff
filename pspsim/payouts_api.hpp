// POST /v1/payouts (form: amount, currency, destination, metadata[..];
// Idempotency-Key required) and GET /v1/payouts/{id}. Authentication is
// checked by handle_v1 before these run.
#pragma once

#include <string_view>

#include "http/server.hpp"
#include "pspsim/payout_store.hpp"
#include "pspsim/sim_time.hpp"

namespace pay::pspsim {

constexpr std::string_view payouts_path = "/v1/payouts";

http::response create_payout(const http::request& req, payout_store& payouts,
                             const sim_time& now);
http::response get_payout(const http::request& req, std::string_view id,
                          payout_store& payouts, const sim_time& now);

}  // namespace pay::pspsim
