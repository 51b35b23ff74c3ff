// POST /v1/payouts (form: amount, currency, destination, description,
// metadata[..]; Idempotency-Key required), GET /v1/payouts/{id} and GET
// /v1/payouts (limit, starting_after, ending_before, created[..]). With a
// Stripe-Account: acct_... header all act on that connected account: its
// own balance pays (connect_store), destination may be left out, and only
// its pay-outs are visible; without it only the platform's are.
// Authentication is checked by handle_v1.
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

http::response list_payouts(const http::request& req, payout_store& payouts,
                            const connect_store& accounts, const sim_time& now);

}  // namespace pay::pspsim
