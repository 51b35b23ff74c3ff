// What every authenticated /v1 route shares: the API key check, the form
// content type, Stripe-style errors and the idempotency fingerprint.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "http/form.hpp"
#include "http/server.hpp"
#include "pspsim/param_error.hpp"
#include "pspsim/stripe_params.hpp"

namespace pay::pspsim {

http::response error(const http::request& req, unsigned status,
                     std::string_view type, std::string_view code,
                     std::string_view message, std::string_view param = {});

// 400 idempotency_key_reused: `key` came back with other parameters.
http::response key_reused(const http::request& req, std::string_view key);

// Empty when authorised, else the 401 to send.
std::optional<http::response> check_api_key(const http::request& req,
                                            std::string_view api_key);

bool is_form_content_type(std::string_view value);

// Stripe's limit on Idempotency-Key length.
constexpr std::size_t idempotency_key_chars_max = 255;

// 400 invalid_request_error with the error's code, message and param.
http::response param_error_response(const http::request& req,
                                    const param_error& e);

// What every form-encoded POST under /v1 reads first: the content type, an
// optional Idempotency-Key and the form body, whose names must all be in
// the endpoint's allow-list (stripe_params.hpp). `refused` holds the answer
// when any of them is wrong; then nothing else was read. `fields` are
// normalised (x[] as x[0]).
struct form_post {
  std::string idempotency_key;  // empty: none sent
  http::form_fields fields;
  std::optional<http::response> refused;
};
form_post read_form_post(const http::request& req, stripe_endpoint endpoint);

// A GET's query string, normalised and checked like a POST's form: the
// fields, or the 400 to send.
struct checked_query {
  http::form_fields fields;
  std::optional<http::response> refused;
};
checked_query read_query(const http::request& req, stripe_endpoint endpoint);

// Stripe compares parameters, not bytes: order does not matter.
std::string fingerprint_of(std::string_view path, http::form_fields fields);

}  // namespace pay::pspsim
