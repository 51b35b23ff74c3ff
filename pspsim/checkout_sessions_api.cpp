#include "pspsim/checkout_sessions_api.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/json/serialize.hpp>

#include "http/form.hpp"
#include "pspsim/checkout_session_params.hpp"
#include "pspsim/v1_common.hpp"
#include "pspsim/web_url.hpp"

namespace pay::pspsim {
namespace {

namespace bhttp = boost::beast::http;

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
  auto post = read_form_post(req, stripe_endpoint::create_checkout_session);
  if (post.refused) return std::move(*post.refused);
  const auto& key = post.idempotency_key;
  const auto& fields = post.fields;
  const auto parsed = parse_session_params(fields);
  if (!parsed.params) return param_error_response(req, parsed.error);
  const auto result = sessions.register_session(
    *parsed.params, page_base_of(req[bhttp::field::host]), key,
    fingerprint_of(sessions_path, fields), now.unix_s);
  switch (result.status) {
    case register_status::created:
      return answer(req, *result.session, key, false);
    case register_status::existing:
      return answer(req, *result.session, key, true);
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
    auto query = read_query(req, stripe_endpoint::retrieve);
    if (query.refused) return std::move(*query.refused);
    if (const auto session = sessions.find(id, now.unix_s)) {
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
