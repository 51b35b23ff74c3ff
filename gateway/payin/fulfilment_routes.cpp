// POST /v1/payment_orders/{id}/fulfill and /cancel: the merchant's word on
// an order. An order authorized for capture on fulfilment is captured (all,
// or the body's "amount", the rest released) or voided; an order already
// captured is only marked fulfilled, the pay-out release condition
// (gateway/payout).

#include <boost/json.hpp>

#include "gateway/common/actor_ask.hpp"
#include "gateway/common/error_mapping.hpp"
#include "gateway/common/json_body.hpp"
#include "gateway/common/render.hpp"
#include "gateway/common/request_checks.hpp"
#include "gateway/common/routes.hpp"

namespace pay::gateway {

namespace bhttp = boost::beast::http;
namespace json = boost::json;

namespace {

// {"amount": "12.34"} for a partial capture; an empty body or {} captures
// everything authorized.
std::variant<std::string, api_error> capture_amount(std::string_view body) {
  if (body.empty()) return std::string{};
  auto parsed = parse_json_object(body);
  if (auto* err = std::get_if<api_error>(&parsed)) return *err;
  const auto& obj = std::get<json::object>(parsed);
  if (auto err = reject_unknown_fields(obj, {"amount"})) return *err;
  auto it = obj.find("amount");
  if (it == obj.end() || it->value().is_null()) return std::string{};
  if (!it->value().is_string())
    return invalid("parameter_invalid_type",
                   "amount must be a decimal string such as \"12.34\".",
                   "amount");
  return std::string{it->value().get_string()};
}

void answer_settled(const exchange& ex, const std::string& id,
                    const settle_reply& r, bool capture) {
  switch (r.outcome) {
    case settle_outcome::applied:
      // Accepted: the PSP is told next; GET /v1/payments/{id} shows the end.
      ex.reply(202, render_order(r.order, ex.who.scope));
      return;
    case settle_outcome::not_found:
      ex.fail(not_found("payment order", id, "payment_order_id"));
      return;
    case settle_outcome::amount_invalid:
      ex.fail(money_error_to_api(r.amount_error, "amount", "amount"));
      return;
    case settle_outcome::amount_too_large:
      ex.fail(invalid("amount_too_large",
                      "A capture takes at most the amount authorized.",
                      "amount"));
      return;
    case settle_outcome::wrong_state:
      ex.fail(api_error{
        409, "invalid_request_error",
        capture ? "order_not_succeeded" : "order_not_cancelable",
        "The payment order is " + domain::to_string(r.order.status) + "; "
          + (capture ? "only a payment order in SUCCESS, or AUTHORIZED "
                       "(captured by the fulfilment), can be fulfilled."
                     : "only an AUTHORIZED order (or one held for review "
                       "after its authorization) can be cancelled."),
        "payment_order_id"});
      return;
  }
}

void settle_route(const context& ctx, const exchange_ptr& ex,
                  const std::string& id, bool capture) {
  std::string amount;
  if (capture) {
    auto read = capture_amount(ex->req.body());
    if (auto* err = std::get_if<api_error>(&read)) {
      ex->fail(*err);
      return;
    }
    amount = std::get<std::string>(read);
  } else if (auto parsed = parse_json_object(
               ex->req.body().empty() ? "{}" : ex->req.body());
             std::holds_alternative<api_error>(parsed)) {
    ex->fail(std::get<api_error>(parsed));
    return;
  } else if (auto err = reject_unknown_fields(std::get<json::object>(parsed),
                                              {})) {
    ex->fail(*err);
    return;
  }
  ask<settle_reply>(
    ctx.sys, ctx.service, ctx.options.request_timeout,
    settle_order{domain::payment_order_id{ex->who.scope.in(id)}, capture,
                 amount, ex->request_id},
    [ctx, ex, id, capture, amount](settle_reply& r) {
      // Captured at once already: fulfilling it is the pay-out's business.
      if (capture && amount.empty() && r.outcome == settle_outcome::wrong_state
          && r.order.status == domain::order_status::success) {
        mark_fulfilled_route(ctx, ex, id);
        return;
      }
      answer_settled(*ex, id, r, capture);
    },
    [ex](const caf::error& err) { ex->fail(err); });
}

}  // namespace

bool dispatch_fulfilment_routes(const context& ctx, const exchange_ptr& ex,
                                std::string_view path) {
  if (auto id = id_between(path, "/v1/payment_orders/", "/fulfill");
      !id.empty())
    return only(ex, bhttp::verb::post, "POST",
                [&] { settle_route(ctx, ex, id, true); });
  if (auto id = id_between(path, "/v1/payment_orders/", "/cancel"); !id.empty())
    return only(ex, bhttp::verb::post, "POST",
                [&] { settle_route(ctx, ex, id, false); });
  return false;
}

}  // namespace pay::gateway
