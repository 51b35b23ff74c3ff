// The Stripe-compatible /v1 routes: authentication, then
//   POST /v1/payment_intents       create and confirm (Idempotency-Key aware)
//   GET  /v1/payment_intents/{id}  read back
#pragma once

#include <cstdint>
#include <string_view>

#include "http/server.hpp"
#include "pspsim/intent_store.hpp"
#include "pspsim/sim_time.hpp"

namespace pay::pspsim {

enum class v1_route : std::uint8_t {
  create_intent = 1,  // POST /v1/payment_intents
  read_intent = 2,    // GET /v1/payment_intents/{id}
  unrecognized = 3,   // anything else: 404
};

// By method and path alone, before authentication.
v1_route route_of(const http::request& req);

http::response handle_v1(const http::request& req, intent_store& store,
                         std::string_view api_key, const sim_time& now);

}  // namespace pay::pspsim
