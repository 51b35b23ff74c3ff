#include "pspsim/checkout_sessions_api.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/json/serialize.hpp>

#include "http/form.hpp"
#include "pspsim/create_params.hpp"
#include "pspsim/v1_common.hpp"

namespace pay::pspsim {
namespace {

namespace bhttp = boost::beast::http;

parsed_session_params fail(std::string code, std::string message,
                           std::string param) {
  return {std::nullopt,
          {400, std::move(code), std::move(message), std::move(param)}};
}

// http:// or https:// with a host; no spaces or control characters.
bool is_web_url(std::string_view url) {
  std::string_view rest;
  if (url.substr(0, 7) == "http://") {
    rest = url.substr(7);
  } else if (url.substr(0, 8) == "https://") {
    rest = url.substr(8);
  } else {
    return false;
  }
  if (rest.empty() || rest.front() == '/' || rest.front() == '?'
      || rest.front() == '#') {
    return false;
  }
  for (const char c : url) {
    if (static_cast<unsigned char>(c) <= ' ' || c == '\x7f') return false;
  }
  return true;
}

// The host the caller used to reach us, for the page URL it will hand to a
// browser.
std::string page_base(const http::request& req) {
  const std::string_view host = req[bhttp::field::host];
  return "http://" + std::string(host.empty() ? "127.0.0.1" : host);
}

http::response answer(const http::request& req, const checkout_session& session,
                      const std::string& key, bool replayed) {
  auto res = http::make_json_response(
    req, 200, boost::json::serialize(session_to_json(session)));
  if (!key.empty()) res.set("Idempotency-Key", key);
  if (replayed) res.set("Idempotent-Replayed", "true");
  return res;
}

http::response register_session(const http::request& req,
                                checkout_session_store& sessions,
                                const sim_time& now) {
  auto post = read_form_post(req);
  if (post.refused) return std::move(*post.refused);
  const auto& key = post.idempotency_key;
  const auto& fields = post.fields;
  const auto parsed = parse_session_params(fields);
  if (!parsed.params) {
    const auto& e = parsed.error;
    return error(req, e.http_status, "invalid_request_error", e.code, e.message,
                 e.param);
  }
  const auto result = sessions.register_session(
    *parsed.params, page_base(req), key, fingerprint_of(sessions_path, fields),
    now.unix_s);
  switch (result.status) {
    case register_status::created:
      return answer(req, *result.session, key, false);
    case register_status::existing:
      return answer(req, *result.session, key, true);
    case register_status::client_reference_id_reused:
      return error(req, 400, "idempotency_error", "client_reference_id_reused",
                   "A checkout session with this client_reference_id exists "
                   "with another amount or currency.",
                   "client_reference_id");
    case register_status::key_reused_with_other_params:
      return error(req, 400, "idempotency_error", "idempotency_key_reused",
                   "Keys for idempotent requests can only be used with the "
                   "same parameters they were first used with.");
    case register_status::sessions_exhausted:
      return error(req, 503, "api_error", "sessions_exhausted",
                   "pspsim holds its maximum number of checkout sessions; "
                   "POST /sim/reset to clear them.");
  }
  return error(req, 500, "api_error", "internal_error", "internal error");
}

}  // namespace

bool is_checkout_sessions_path(std::string_view path) {
  return path == sessions_path
         || (path.size() > sessions_path.size() + 1
             && path.substr(0, sessions_path.size() + 1)
                  == std::string(sessions_path) + "/");
}

parsed_session_params parse_session_params(const http::form_fields& fields) {
  session_params params;
  if (auto e = parse_amount(http::form_value(fields, "amount"),
                            params.amount_minor)) {
    return {std::nullopt, std::move(*e)};
  }
  if (auto e = parse_currency(http::form_value(fields, "currency"),
                              params.currency)) {
    return {std::nullopt, std::move(*e)};
  }
  const auto return_url = http::form_value(fields, "return_url");
  if (!return_url) {
    return fail("parameter_missing", "Missing required param: return_url.",
                "return_url");
  }
  if (return_url->size() > return_url_chars_max || !is_web_url(*return_url)) {
    return fail("url_invalid", "return_url must be an http:// or https:// URL.",
                "return_url");
  }
  params.return_url = std::string(*return_url);
  const auto reference = http::form_value(fields, "client_reference_id");
  if (!reference) {
    return fail("parameter_missing",
                "Missing required param: client_reference_id.",
                "client_reference_id");
  }
  if (reference->empty() || reference->size() > client_reference_id_chars_max) {
    return fail("parameter_invalid_string",
                "client_reference_id must be 1 to 200 characters.",
                "client_reference_id");
  }
  params.client_reference_id = std::string(*reference);
  if (auto e = parse_metadata(fields, params.metadata)) {
    return {std::nullopt, std::move(*e)};
  }
  return {std::move(params), {}};
}

http::response handle_checkout_sessions(const http::request& req,
                                        checkout_session_store& sessions,
                                        std::string_view api_key,
                                        const sim_time& now) {
  if (auto denied = check_api_key(req, api_key)) return std::move(*denied);
  const std::string_view path = http::target_path(req.target());
  if (path == sessions_path && req.method() == bhttp::verb::post) {
    return register_session(req, sessions, now);
  }
  const std::string_view id = path.substr(
    std::min(path.size(), sessions_path.size() + 1));
  if (path != sessions_path && req.method() == bhttp::verb::get
      && id.find('/') == std::string_view::npos) {
    if (const auto session = sessions.find(id)) {
      return http::make_json_response(
        req, 200, boost::json::serialize(session_to_json(*session)));
    }
    return error(req, 404, "invalid_request_error", "resource_missing",
                 "No such checkout.session: '" + std::string(id) + "'",
                 "session");
  }
  return error(req, 404, "invalid_request_error", "url_unrecognized",
               "Unrecognized request URL (" + std::string(req.method_string())
                 + ": " + std::string(path) + ").");
}

}  // namespace pay::pspsim
