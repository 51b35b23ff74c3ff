#include "pspsim/sim_api.hpp"

#include <boost/json.hpp>

#include "http/form.hpp"

namespace pay::pspsim {
namespace {

namespace bhttp = boost::beast::http;

std::string stats_json(const store_stats& stats) {
  boost::json::object body;
  body["requests"] = stats.requests;
  body["intents"] = stats.intents;
  body["charges"] = stats.charges;
  body["declines"] = stats.declines;
  body["replays"] = stats.replays;
  body["idempotency_conflicts"] = stats.idempotency_conflicts;
  body["processing"] = stats.processing;
  return boost::json::serialize(body);
}

}  // namespace

http::response handle_sim(const http::request& req, intent_store& store,
                          const sim_time& now) {
  const std::string_view path = http::target_path(req.target());
  const bool get = req.method() == bhttp::verb::get;
  if (get && path == "/sim/charges") {
    return http::make_json_response(req, 200, store.charges_json(now));
  }
  if (get && path == "/sim/idempotency_keys") {
    return http::make_json_response(req, 200, store.idempotency_keys_json(now));
  }
  if (get && path == "/sim/stats") {
    return http::make_json_response(req, 200, stats_json(store.stats(now)));
  }
  if (req.method() == bhttp::verb::post && path == "/sim/reset") {
    store.reset();
    return http::make_json_response(req, 200, R"({"reset":true})");
  }
  return http::make_json_response(
      req, 404,
      http::error_body("invalid_request_error", "url_unrecognized",
                       "Unrecognized request URL (" +
                           std::string(req.method_string()) + ": " +
                           std::string(path) + ")."));
}

}  // namespace pay::pspsim
