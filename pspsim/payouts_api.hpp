// POST /v1/payouts (form: amount, currency, destination, description,
// metadata[..]; Idempotency-Key required) and GET /v1/payouts/{id}. With a
// Stripe-Account: acct_... header both act on that connected account: its
// own balance pays (connect_store), destination may be left out, and only
// its pay-outs are visible. Authentication is checked by handle_v1.
#pragma once

#include <string_view>

#include "http/server.hpp"
#include "pspsim/connect_store.hpp"
#include "pspsim/payout_store.hpp"
#include "pspsim/sim_time.hpp"

namespace pay::pspsim {

constexpr std::string_view payouts_path = "/v1/payouts";

http::response create_payout(const http::request& req, payout_store& payouts,
                             const connect_store& accounts,
                             const sim_time& now);
http::response get_payout(const http::request& req, std::string_view id,
                          payout_store& payouts, const connect_store& accounts,
                          const sim_time& now);

}  // namespace pay::pspsim
