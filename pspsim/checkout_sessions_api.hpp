// Hosted payment page registration, Stripe's Checkout Sessions subset
// (Bearer key, form-encoded, Idempotency-Key):
//   POST /v1/checkout/sessions       register (checkout_session_params.hpp)
//   GET  /v1/checkout/sessions/{id}  the session as it is now
#pragma once

#include <string_view>

#include "http/server.hpp"
#include "pspsim/checkout_session_store.hpp"
#include "pspsim/sim_time.hpp"

namespace pay::pspsim {

constexpr std::string_view sessions_path = "/v1/checkout/sessions";

bool is_checkout_sessions_path(std::string_view path);

http::response handle_checkout_sessions(const http::request& req,
                                        checkout_session_store& sessions,
                                        std::string_view api_key,
                                        const sim_time& now);

}  // namespace pay::pspsim
