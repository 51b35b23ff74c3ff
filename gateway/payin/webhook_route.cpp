// POST /v1/webhooks/psp: the PSP tells us something happened. The signature
// is verified before a byte of the body is parsed; a bad one changes
// nothing and is answered 400, counted and logged. A good one is
// remembered by event id and makes the order's actor ask the PSP.

#include <chrono>

#include <spdlog/spdlog.h>

#include "domain/common/rfc3339.hpp"
#include "domain/payin/webhook_signature.hpp"
#include "gateway/access/gatekeeper.hpp"
#include "gateway/common/actor_ask.hpp"
#include "gateway/common/routes.hpp"
#include "gateway/payin/webhook_event.hpp"
#include "observability/log.hpp"
#include "observability/log_throttle.hpp"
#include "observability/metrics.hpp"

namespace pay::gateway {

namespace {

std::string_view to_string(webhook_outcome outcome) {
  switch (outcome) {
    case webhook_outcome::applied:
      return "applied";
    case webhook_outcome::duplicate:
      return "duplicate";
    case webhook_outcome::ignored:
      return "ignored";
  }
  return "unknown";
}

}  // namespace

void psp_webhook_route(const context& ctx, const exchange_ptr& ex) {
  auto header = ex->req["Stripe-Signature"];
  auto verdict = domain::verify_webhook(
    {header.data(), header.size()}, ex->req.body(), ctx.options.webhook_secrets,
    domain::unix_now_s(), ctx.options.webhook_tolerance_s);
  if (verdict != domain::webhook_verify_result::ok) {
    auto reason = domain::to_string(verdict);
    obs::metrics::get().webhook_rejected(reason);
    if (flooding_after_failure(ctx, *ex)) return;
    static obs::log_throttle throttle;
    if (auto held_back = throttle.admit())
      log::warn(ex->request_id,
                "webhook refused: {} ({} bytes; {} more refused since the "
                "last line)",
                reason, ex->req.body().size(), *held_back);
    ex->fail(invalid("webhook_" + std::string{reason},
                     "The webhook signature does not verify: "
                       + std::string{reason} + ".",
                     "Stripe-Signature"));
    return;
  }
  auto parsed = parse_webhook_event(ex->req.body());
  if (auto* err = std::get_if<api_error>(&parsed)) {
    obs::metrics::get().webhook_rejected("invalid_event");
    ex->fail(*err);
    return;
  }
  auto event = std::get<webhook_event>(std::move(parsed));
  auto subject = !event.payout_id.empty()   ? "payout " + event.payout_id
                 : !event.refund_id.empty() ? "refund " + event.refund_id
                 : !event.payment_order_id.empty()
                   ? "order " + event.payment_order_id
                   : std::string{"-"};
  auto answer = [ex, event, subject](webhook_outcome outcome) {
    obs::metrics::get().webhook_received(to_string(outcome));
    log::info(event.id, "webhook {} for {}: {}", event.type, subject,
              to_string(outcome));
    ex->reply(200, R"({"received":true,"outcome":")"
                     + std::string{to_string(outcome)} + "\"}");
  };
  auto fail = [ex](const caf::error& err) { ex->fail(err); };
  if (!event.payout_id.empty()) {
    ask<webhook_outcome>(ctx.sys, ctx.money.payouts,
                         ctx.options.request_timeout,
                         payout_webhook{event.id, event.type,
                                        domain::payout_id{event.payout_id},
                                        event.account},
                         answer, fail);
    return;
  }
  if (!event.refund_id.empty()) {
    ask<webhook_outcome>(
      ctx.sys, ctx.money.refunds, ctx.options.request_timeout,
      refund_webhook{event.id, event.type, domain::refund_id{event.refund_id}},
      answer, fail);
    return;
  }
  ask<webhook_outcome>(
    ctx.sys, ctx.service, ctx.options.request_timeout,
    psp_webhook{event.id, event.type,
                domain::payment_order_id{event.payment_order_id}},
    answer, fail);
}

}  // namespace pay::gateway
