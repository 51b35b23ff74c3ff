#include "pspsim/sim_api.hpp"

#include <limits>
#include <optional>

#include <boost/json.hpp>

#include "http/form.hpp"
#include "pspsim/settlement_api.hpp"
#include "pspsim/sim_clock.hpp"
#include "pspsim/transfer_json.hpp"

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

boost::json::object webhook_counts_json(const webhook_fault_counts& counts) {
  boost::json::object out;
  out["webhook_drop"] = counts.drop;
  out["webhook_duplicate"] = counts.duplicate;
  out["webhook_reorder"] = counts.reorder;
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
  body["authorizations"] = stats.authorizations;
  body["captures"] = stats.captures;
  body["captured_minor"] = stats.captured_minor;
  body["captures_refused"] = stats.captures_refused;
  body["double_captures"] = stats.double_captures;
  body["cancels"] = stats.cancels;
  body["automatic_expiries"] = stats.automatic_expiries;
  body["abandoned_expiries"] = stats.abandoned_expiries;
  body["faults_injected"] = counts_json(faults);
  return boost::json::serialize(body);
}

// GET adds the counters to the config, so every answer of /sim/faults reads
// the same way: the config's fields at the top level.
std::string faults_json(const fault_injector& faults, bool with_counts) {
  boost::json::object body = fault_config_to_json(faults.config());
  if (with_counts) {
    boost::json::object injected = counts_json(faults.injected());
    for (const auto& field : webhook_counts_json(faults.webhooks_injected())) {
      injected[field.key()] = field.value();
    }
    body["injected"] = std::move(injected);
  }
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

http::response unrecognized(const http::request& req, std::string_view path) {
  return http::make_json_response(
    req, 404,
    http::error_body("invalid_request_error", "url_unrecognized",
                     "Unrecognized request URL ("
                       + std::string(req.method_string()) + ": "
                       + std::string(path) + ")."));
}

// "/sim/<collection>/<id>/<action>" -> id, when the path has that shape.
std::optional<std::string_view> id_between(std::string_view path,
                                           std::string_view prefix,
                                           std::string_view action) {
  if (path.size() <= prefix.size() + action.size() + 1) return std::nullopt;
  if (path.substr(0, prefix.size()) != prefix) return std::nullopt;
  if (path.substr(path.size() - action.size()) != action) return std::nullopt;
  const std::string_view id = path.substr(
    prefix.size(), path.size() - prefix.size() - action.size());
  if (id.empty() || id.find('/') != std::string_view::npos) return std::nullopt;
  return id;
}

// POST /sim/payment_intents/{id}/complete_action|review?result=...
http::response resolve_intent(const http::request& req, std::string_view id,
                              bool review, intent_store& store,
                              const sim_time& now) {
  const auto query = http::parse_query(req.target());
  const auto result = query ? http::form_value(*query, "result") : std::nullopt;
  const std::string_view yes = review ? "approve" : "succeed";
  const std::string_view no = review ? "reject" : "fail";
  if (!result || (*result != yes && *result != no)) {
    return http::make_json_response(
      req, 400,
      http::error_body("invalid_request_error", "parameter_invalid",
                       "result must be " + std::string(yes) + " or "
                         + std::string(no) + ".",
                       "result"));
  }
  const auto resolved = review ? store.finish_review(id, *result == yes, now)
                               : store.complete_action(id, *result == yes, now);
  switch (resolved.status) {
    case resolve_status::resolved:
      return http::make_json_response(req, 200, resolved.intent_json);
    case resolve_status::not_found:
      return http::make_json_response(
        req, 404,
        http::error_body("invalid_request_error", "resource_missing",
                         "No such payment_intent: '" + std::string(id) + "'",
                         "intent"));
    case resolve_status::not_pending:
      break;
  }
  return http::make_json_response(
    req, 409,
    http::error_body("invalid_request_error", "payment_intent_unexpected_state",
                     review ? "The intent is not under review."
                            : "The intent does not require an action.",
                     "intent"));
}

// Every transfer as GET /v1/transfers/{id} shows it, with the
// Idempotency-Key it was made under: what a harness checks "each pay-out
// transferred once" against.
std::string transfers_json(const connect_store& connect) {
  boost::json::array data;
  for (const auto& t :
       connect.transfers_between(0, std::numeric_limits<std::int64_t>::max())) {
    auto entry = transfer_object(t);
    entry["idempotency_key"] = t.idempotency_key;
    data.push_back(std::move(entry));
  }
  return boost::json::serialize(boost::json::object{{"data", std::move(data)}});
}

std::string clock_json(const sim_time& now) {
  boost::json::object body;
  body["offset_s"] = sim_clock_offset_s();
  body["now"] = now.unix_s;
  return boost::json::serialize(body);
}

// POST /sim/clock/advance?seconds=N: the simulated clock jumps forward and
// whatever fell due meanwhile resolves now (with its webhooks).
http::response advance_clock(const http::request& req, const sim_parts& parts) {
  const auto query = http::parse_query(req.target());
  const auto raw = query ? http::form_value(*query, "seconds") : std::nullopt;
  const bool valid = raw && !raw->empty() && raw->size() <= 10
                     && raw->find_first_not_of("0123456789")
                          == std::string_view::npos;
  if (!valid) {
    return http::make_json_response(
      req, 400,
      http::error_body("invalid_request_error", "parameter_invalid",
                       "seconds must be a whole number 0..9999999999.",
                       "seconds"));
  }
  advance_sim_clock(std::stoll(std::string(*raw)));
  const sim_time now = sim_time::now();
  parts.store.settle(now);
  parts.payouts.settle(now);
  parts.refunds.settle(now);
  parts.sessions.expire_due(now.unix_s);
  return http::make_json_response(req, 200, clock_json(now));
}

http::response resend_webhook(const http::request& req, std::string_view id,
                              webhook_dispatcher* webhooks) {
  const resend_status status = webhooks ? webhooks->resend(id)
                                        : resend_status::not_found;
  switch (status) {
    case resend_status::resent:
      return http::make_json_response(req, 200, R"({"resent":true})");
    case resend_status::already_pending:
      return http::make_json_response(
        req, 409,
        http::error_body("invalid_request_error", "webhook_pending",
                         "The event is being delivered already.", "event"));
    case resend_status::not_found:
      break;
  }
  return http::make_json_response(
    req, 404,
    http::error_body("invalid_request_error", "resource_missing",
                     "No such event: '" + std::string(id) + "'", "event"));
}

}  // namespace

http::response handle_sim(const http::request& req, const sim_parts& parts,
                          const sim_time& now) {
  intent_store& store = parts.store;
  fault_injector& faults = parts.faults;
  const std::string_view path = http::target_path(req.target());
  const bool get = req.method() == bhttp::verb::get;
  const bool post = req.method() == bhttp::verb::post;
  if (get && path == "/sim/charges") {
    return http::make_json_response(req, 200, store.charges_json(now));
  }
  if (get && path == "/sim/idempotency_keys") {
    return http::make_json_response(req, 200, store.idempotency_keys_json(now));
  }
  if (get && path == "/sim/payouts") {
    return http::make_json_response(req, 200, parts.payouts.list_json(now));
  }
  if (get && path == "/sim/transfers") {
    return http::make_json_response(req, 200, transfers_json(parts.connect));
  }
  if (get && path == "/sim/refunds") {
    return http::make_json_response(req, 200, parts.refunds.list_json(now));
  }
  if (get && path == "/sim/refund_counts") {
    return http::make_json_response(req, 200, parts.refunds.counts_json());
  }
  if (get && path == "/sim/clock") {
    return http::make_json_response(req, 200, clock_json(now));
  }
  if (post && path == "/sim/clock/advance") return advance_clock(req, parts);
  if (get && path == "/sim/stats") {
    return http::make_json_response(
      req, 200, stats_json(store.stats(now), faults.injected()));
  }
  if (post && path == "/sim/reset") {
    store.reset();
    parts.refunds.reset();
    parts.payouts.reset();
    parts.settlement.reset();
    parts.sessions.reset();
    parts.connect.reset();
    if (parts.webhooks) parts.webhooks->reset();
    faults.reset();
    reset_sim_clock();
    return http::make_json_response(req, 200, R"({"reset":true})");
  }
  if (path == "/sim/faults") {
    if (post) return configure_faults(req, faults);
    if (get)
      return http::make_json_response(req, 200, faults_json(faults, true));
    if (req.method() == bhttp::verb::delete_) {
      faults.disable();
      return http::make_json_response(req, 200, faults_json(faults, false));
    }
  }
  if (auto answer = handle_settlement_sim(req, parts, now))
    return std::move(*answer);
  constexpr std::string_view intents = "/sim/payment_intents/";
  if (get && path.substr(0, intents.size()) == intents
      && path.find('/', intents.size()) == std::string_view::npos
      && path.size() > intents.size()) {
    const std::string_view id = path.substr(intents.size());
    if (auto json = store.money_json(id, now)) {
      return http::make_json_response(req, 200, std::move(*json));
    }
    return http::make_json_response(
      req, 404,
      http::error_body("invalid_request_error", "resource_missing",
                       "No such payment_intent: '" + std::string(id) + "'",
                       "intent"));
  }
  if (get && path == "/sim/webhooks") {
    return http::make_json_response(req, 200,
                                    parts.webhooks
                                      ? parts.webhooks->events_json()
                                      : R"({"data":[]})");
  }
  if (!post) return unrecognized(req, path);
  if (const auto id = id_between(path, intents, "/complete_action")) {
    return resolve_intent(req, *id, false, store, now);
  }
  if (const auto id = id_between(path, intents, "/review")) {
    return resolve_intent(req, *id, true, store, now);
  }
  if (const auto id = id_between(path, "/sim/webhooks/", "/resend")) {
    return resend_webhook(req, *id, parts.webhooks);
  }
  return unrecognized(req, path);
}

}  // namespace pay::pspsim
