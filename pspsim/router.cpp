#include "pspsim/router.hpp"

#include "http/form.hpp"
#include "pspsim/checkout_sessions_api.hpp"
#include "pspsim/hosted_page_api.hpp"
#include "pspsim/intent_action_page.hpp"
#include "pspsim/payment_intents_api.hpp"
#include "pspsim/settlement_api.hpp"
#include "pspsim/sim_api.hpp"
#include "pspsim/v1_faults.hpp"

namespace pay::pspsim {

router::router(const sim_parts& parts, std::string api_key,
               std::chrono::milliseconds latency)
    : parts_(parts),
      store_(parts.store),
      faults_(parts.faults),
      delays_(parts.delays),
      api_key_(std::move(api_key)),
      latency_(latency) {}

void router::operator()(http::request&& req, http::responder reply) const {
  const std::string_view path = http::target_path(req.target());
  const sim_time now = sim_time::now();
  const bool file_upload = req.method() == boost::beast::http::verb::put
                           && path.substr(0, sim_settlement_files_path.size())
                                == sim_settlement_files_path;
  if (!file_upload && req.body().size() > body_bytes_max) {
    http::response res = http::make_json_response(
      req, 413,
      http::error_body("invalid_request_error", "body_too_large",
                       "request body exceeds the size limit"));
    res.keep_alive(false);
    return reply(std::move(res));
  }
  if (path == "/healthz") {
    return reply(http::make_json_response(req, 200, R"({"status":"ok"})"));
  }
  if (path.substr(0, 5) == "/sim/") {
    return reply(handle_sim(req, parts_, now));
  }
  if (path.substr(0, 5) == "/pay/") {
    return reply(
      handle_pay_page(req, parts_.sessions, store_, parts_.merchant_name, now));
  }
  if (path.substr(0, authenticate_prefix.size()) == authenticate_prefix) {
    return reply(
      handle_intent_action_page(req, store_, parts_.merchant_name, now));
  }
  if (path.substr(0, 4) != "/v1/") {
    return reply(http::make_json_response(
      req, 404,
      http::error_body("invalid_request_error", "url_unrecognized",
                       "Unrecognized request URL: " + std::string(path))));
  }
  store_.note_request();
  if (route_of(req) == v1_route::create_refund) {
    // Before any fault: a test proves how often each key was sent.
    parts_.refunds.note_post(req["Idempotency-Key"]);
  }
  if (is_checkout_sessions_path(path)) {
    // Not faulted: the fault stream and its draw order stay those of the
    // payment intent routes.
    http::response res = handle_checkout_sessions(req, parts_.sessions,
                                                  api_key_, now);
    if (latency_.count() == 0) return reply(std::move(res));
    return delays_.after(latency_, [reply = std::move(reply),
                                    res = std::move(res)]() mutable {
      reply(std::move(res));
    });
  }
  const fault_draw fault = draw_fault(req);
  http::response res = handle_v1_with_fault(req, fault.kind, parts_, api_key_,
                                            now);
  const std::chrono::milliseconds delay = latency_ + fault.delay;
  if (delay.count() == 0) return reply(std::move(res));
  delays_.after(delay,
                [reply = std::move(reply), res = std::move(res)]() mutable {
                  reply(std::move(res));
                });
}

// Drawn before authentication and validation, in arrival order: the fault
// sequence depends only on the seed and the order of faultable requests.
fault_draw router::draw_fault(const http::request& req) const {
  switch (route_of(req)) {
    // Capture and cancel decide what is charged: faulted like a create.
    case v1_route::create_intent:
    case v1_route::capture_intent:
    case v1_route::cancel_intent:
      return faults_.draw(fault_target::create_intent);
    case v1_route::read_intent:
      return faults_.draw(fault_target::read_intent);
    case v1_route::create_refund:
      return faults_.draw(fault_target::create_refund);
    case v1_route::read_refund:
      return faults_.draw(fault_target::read_refund);
    // A seller's pay-out is a transfer, then a pay-out on its connected
    // account (a reversal when that fails): all three move money towards a
    // seller and draw as pay-out creates; reading a transfer as a read.
    case v1_route::create_payout:
    case v1_route::create_transfer:
    case v1_route::create_transfer_reversal:
      return faults_.draw(fault_target::create_payout);
    case v1_route::read_payout:
    case v1_route::read_transfer:
      return faults_.draw(fault_target::read_payout);
    // Not faulted: a report, not a money movement (latency still applies).
    case v1_route::read_settlement_file:
    case v1_route::list_balance_transactions:
    // Lookups, not money movements; not faulted so that adding them left
    // the draw order of the money routes unchanged.
    case v1_route::list_intents:
    case v1_route::list_refunds:
    case v1_route::list_transfers:
    case v1_route::list_payouts:
    // Not faulted either: the draw order stays that of the money routes
    // paymentd's chaos runs were tuned on.
    case v1_route::create_account:
    case v1_route::read_account:
    case v1_route::read_balance:
    case v1_route::unrecognized:
      return {};
  }
  return {};
}

}  // namespace pay::pspsim
