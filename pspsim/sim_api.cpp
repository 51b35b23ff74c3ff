#include "pspsim/sim_api.hpp"

#include <boost/json.hpp>

#include "http/form.hpp"

namespace pay::pspsim {
namespace {

namespace bhttp = boost::beast::http;

boost::json::object counts_json(const fault_counts& counts) {
  boost::json::object out;
  for (std::size_t i = 0; i < fault_kind_count; ++i) {
    out[to_string(fault_kinds_in_draw_order[i])] = counts[i];
  }
  return out;
}

std::string stats_json(const store_stats& stats, const fault_counts& faults) {
  boost::json::object body;
  body["requests"] = stats.requests;
  body["intents"] = stats.intents;
  body["charges"] = stats.charges;
  body["declines"] = stats.declines;
  body["replays"] = stats.replays;
  body["idempotency_conflicts"] = stats.idempotency_conflicts;
  body["processing"] = stats.processing;
  body["faults_injected"] = counts_json(faults);
  return boost::json::serialize(body);
}

// GET adds the counters to the config, so every answer of /sim/faults reads
// the same way: the config's fields at the top level.
std::string faults_json(const fault_injector& faults, bool with_counts) {
  boost::json::object body = fault_config_to_json(faults.config());
  if (with_counts) body["injected"] = counts_json(faults.injected());
  return boost::json::serialize(body);
}

http::response configure_faults(const http::request& req,
                                fault_injector& faults) {
  const auto parsed = parse_fault_config(req.body());
  if (!parsed.config) {
    const auto& e = parsed.error;
    return http::make_json_response(
        req, 400,
        http::error_body("invalid_request_error", e.code, e.message, e.param));
  }
  faults.configure(*parsed.config);
  return http::make_json_response(req, 200, faults_json(faults, false));
}

}  // namespace

http::response handle_sim(const http::request& req, intent_store& store,
                          fault_injector& faults, const sim_time& now) {
  const std::string_view path = http::target_path(req.target());
  const bool get = req.method() == bhttp::verb::get;
  const bool post = req.method() == bhttp::verb::post;
  if (get && path == "/sim/charges") {
    return http::make_json_response(req, 200, store.charges_json(now));
  }
  if (get && path == "/sim/idempotency_keys") {
    return http::make_json_response(req, 200, store.idempotency_keys_json(now));
  }
  if (get && path == "/sim/stats") {
    return http::make_json_response(
        req, 200, stats_json(store.stats(now), faults.injected()));
  }
  if (post && path == "/sim/reset") {
    store.reset();
    faults.reset();
    return http::make_json_response(req, 200, R"({"reset":true})");
  }
  if (path == "/sim/faults") {
    if (post) return configure_faults(req, faults);
    if (get) return http::make_json_response(req, 200, faults_json(faults, true));
    if (req.method() == bhttp::verb::delete_) {
      faults.disable();
      return http::make_json_response(req, 200, faults_json(faults, false));
    }
  }
  return http::make_json_response(
      req, 404,
      http::error_body("invalid_request_error", "url_unrecognized",
                       "Unrecognized request URL (" +
                           std::string(req.method_string()) + ": " +
                           std::string(path) + ")."));
}

}  // namespace pay::pspsim
