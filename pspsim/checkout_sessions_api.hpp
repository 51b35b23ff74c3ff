// Hosted payment page registration, Stripe's Checkout Sessions subset
// (Bearer key, form-encoded, Idempotency-Key):
//   POST /v1/checkout/sessions       register (idempotent by client_reference_id)
//   GET  /v1/checkout/sessions/{id}  the session as it is now
#pragma once

#include <optional>
#include <string_view>

#include "http/server.hpp"
#include "pspsim/checkout_session_store.hpp"
#include "pspsim/create_params.hpp"
#include "pspsim/sim_time.hpp"

namespace pay::pspsim {

constexpr std::string_view sessions_path = "/v1/checkout/sessions";
constexpr std::size_t client_reference_id_chars_max = 200;
constexpr std::size_t return_url_chars_max = 2048;

bool is_checkout_sessions_path(std::string_view path);

http::response handle_checkout_sessions(const http::request& req,
                                        checkout_session_store& sessions,
                                        std::string_view api_key,
                                        const sim_time& now);

// Parsed from the form, or the Stripe-style error.
struct parsed_session_params {
  std::optional<session_params> params;
  param_error error;
};
parsed_session_params parse_session_params(const http::form_fields& fields);

}  // namespace pay::pspsim
