// POST /v1/refunds (form: payment_intent, amount?, reason?, metadata[..];
// Idempotency-Key optional as for intents), GET /v1/refunds/{id} and the
// list GET /v1/refunds (query: payment_intent, charge, limit,
// starting_after, ending_before, created[..]). A three-decimal amount is
// checked against the intent's currency.
// Authentication is checked by handle_v1 before these run.
#pragma once

#include <string_view>

#include "http/server.hpp"
#include "pspsim/refund_store.hpp"
#include "pspsim/sim_time.hpp"

namespace pay::pspsim {

constexpr std::string_view refunds_path = "/v1/refunds";

http::response create_refund(const http::request& req, refund_store& refunds,
                             const sim_time& now);
http::response get_refund(const http::request& req, std::string_view id,
                          refund_store& refunds, const sim_time& now);
// Newest first; an unknown payment_intent or charge is 404
// resource_missing, an unknown cursor 400 resource_missing.
http::response list_refunds(const http::request& req, refund_store& refunds,
                            const sim_time& now);

}  // namespace pay::pspsim
