#include "pspsim/v1_common.hpp"

#include <algorithm>

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/field.hpp>

namespace pay::pspsim {

namespace bhttp = boost::beast::http;

http::response error(const http::request& req, unsigned status,
                     std::string_view type, std::string_view code,
                     std::string_view message, std::string_view param) {
  return http::make_json_response(req, status,
                                  http::error_body(type, code, message, param));
}

http::response key_reused(const http::request& req, std::string_view key) {
  return error(req, 400, "idempotency_error", "idempotency_key_reused",
               "Keys for idempotent requests can only be used with the same "
               "parameters they were first used with ('"
                 + std::string(key) + "').");
}

std::optional<http::response> check_api_key(const http::request& req,
                                            std::string_view api_key) {
  const std::string_view header = req[bhttp::field::authorization];
  if (header.empty()) {
    return error(req, 401, "invalid_request_error", "api_key_invalid",
                 "You did not provide an API key. Send it as "
                 "'Authorization: Bearer <key>'.");
  }
  constexpr std::string_view scheme = "Bearer ";
  const bool bearer = header.size() > scheme.size()
                      && boost::beast::iequals(header.substr(0, scheme.size()),
                                               scheme);
  if (!bearer || header.substr(scheme.size()) != api_key) {
    return error(req, 401, "invalid_request_error", "api_key_invalid",
                 "Invalid API Key provided.");
  }
  return std::nullopt;
}

bool is_form_content_type(std::string_view value) {
  constexpr std::string_view form_content_type =
    "application/x-www-form-urlencoded";
  value = value.substr(0, value.find(';'));
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  return boost::beast::iequals(value, form_content_type);
}

http::response param_error_response(const http::request& req,
                                    const param_error& e) {
  return error(req, e.http_status, "invalid_request_error", e.code, e.message,
               e.param);
}

form_post read_form_post(const http::request& req, stripe_endpoint endpoint) {
  form_post out;
  if (!is_form_content_type(req[boost::beast::http::field::content_type])) {
    out.refused = error(
      req, 415, "invalid_request_error", "content_type_unsupported",
      "Send parameters as application/x-www-form-urlencoded.");
    return out;
  }
  if (const auto it = req.find("Idempotency-Key"); it != req.end()) {
    out.idempotency_key = std::string(it->value());
    if (out.idempotency_key.empty()
        || out.idempotency_key.size() > idempotency_key_chars_max) {
      out.refused = error(req, 400, "invalid_request_error",
                          "idempotency_key_invalid",
                          "Idempotency-Key must be 1 to 255 characters.");
      return out;
    }
  }
  auto fields = http::form_decode(req.body());
  if (!fields) {
    out.refused = error(req, 400, "invalid_request_error", "body_invalid",
                        "The request body is not valid form encoding.");
    return out;
  }
  out.fields = normalise_array_params(std::move(*fields));
  if (auto e = check_params(endpoint, out.fields)) {
    out.refused = param_error_response(req, *e);
  }
  return out;
}

checked_query read_query(const http::request& req, stripe_endpoint endpoint) {
  checked_query out;
  auto fields = http::parse_query(req.target());
  if (!fields) {
    out.refused = error(req, 400, "invalid_request_error", "body_invalid",
                        "The query string is not valid form encoding.");
    return out;
  }
  out.fields = normalise_array_params(std::move(*fields));
  if (auto e = check_params(endpoint, out.fields)) {
    out.refused = param_error_response(req, *e);
  }
  return out;
}

std::string fingerprint_of(std::string_view path, http::form_fields fields) {
  std::sort(fields.begin(), fields.end());
  return std::string(path) + "?" + http::form_encode(fields);
}

}  // namespace pay::pspsim
