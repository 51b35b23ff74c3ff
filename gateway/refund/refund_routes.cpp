// /v1/refunds: create (POST, Idempotency-Key required), list an order's
// refunds (GET ?payment_order_id=), read one (GET /v1/refunds/{id}).

#include <cctype>

#include "domain/common/currency.hpp"
#include "domain/common/ids.hpp"
#include "domain/common/money.hpp"
#include "gateway/access/gatekeeper.hpp"
#include "gateway/common/actor_ask.hpp"
#include "gateway/common/error_mapping.hpp"
#include "gateway/common/render.hpp"
#include "gateway/common/request_checks.hpp"
#include "gateway/common/routes.hpp"
#include "gateway/refund/refund_render.hpp"
#include "gateway/refund/refund_request.hpp"
#include "http/form.hpp"

namespace pay::gateway {

namespace bhttp = boost::beast::http;

namespace {

constexpr std::string_view refunds_path = "/v1/refunds";

std::string amount_left_message(std::int64_t refundable_minor,
                                const std::string& currency) {
  if (refundable_minor <= 0)
    return "Nothing is left to refund on this payment order.";
  return "amount is more than what is left to refund: "
         + decimal_amount(refundable_minor, currency) + " " + currency + ".";
}

// The one place a create outcome becomes an HTTP answer.
void answer_create(const exchange& ex, const refund_request& request,
                   const create_refund_reply& reply) {
  switch (reply.outcome) {
    case create_refund_outcome::created:
      ex.reply(201, render_refund(reply.refund, ex.who.scope));
      return;
    case create_refund_outcome::replayed:
      ex.reply(200, render_refund(reply.refund, ex.who.scope), true);
      return;
    case create_refund_outcome::idempotency_key_reused:
      ex.fail(api_error{400, "idempotency_error", "idempotency_key_reused",
                        "Keys for idempotent requests can only be used with "
                        "the same parameters they were first used with.",
                        "Idempotency-Key"});
      return;
    case create_refund_outcome::order_not_found:
      ex.fail(not_found("payment order", request.payment_order_id,
                        "payment_order_id"));
      return;
    case create_refund_outcome::order_not_refundable:
      ex.fail(api_error{409, "invalid_request_error", "order_not_refundable",
                        "Only a payment order that succeeded (and is booked) "
                        "can be refunded.",
                        "payment_order_id"});
      return;
    case create_refund_outcome::amount_too_large:
      ex.fail(invalid(
        "amount_too_large",
        amount_left_message(reply.refundable_minor, reply.currency), "amount"));
      return;
    case create_refund_outcome::amount_invalid:
      ex.fail(money_error_to_api(reply.amount_error, "amount", "amount"));
      return;
  }
  ex.fail(system_error_to_api(caf::error{}));
}

void create_refund_route(const context& ctx, const exchange_ptr& ex) {
  if (!is_json_media_type(ex->req[bhttp::field::content_type])) {
    ex->fail(api_error{415, "invalid_request_error", "unsupported_media_type",
                       "Content-Type must be application/json.", ""});
    return;
  }
  if (ex->req.find("Idempotency-Key") == ex->req.end()) {
    ex->fail(invalid("parameter_missing",
                     "An Idempotency-Key header is required to create a "
                     "refund.",
                     "Idempotency-Key"));
    return;
  }
  std::string key{ex->req["Idempotency-Key"]};
  if (!is_valid_idempotency_key(key)) {
    ex->fail(invalid("idempotency_key_invalid",
                     "Idempotency-Key must be 1 to 255 printable ASCII "
                     "characters.",
                     "Idempotency-Key"));
    return;
  }
  auto parsed = parse_create_refund(ex->req.body());
  if (auto* err = std::get_if<api_error>(&parsed)) {
    ex->fail(*err);
    return;
  }
  auto request = std::get<refund_request>(std::move(parsed));
  auto parked = park_preferred_wait(ctx, *ex);
  auto wait_ms = parked.wait_ms;
  auto slot = parked.slot;  // held until the answer
  const auto& scope = ex->who.scope;
  create_refund cmd{scope.in(request.payment_order_id),
                    request.amount,
                    request.reason,
                    scope.in(key),
                    request.request_hash,
                    ex->request_id,
                    wait_ms};
  ask<create_refund_reply>(
    ctx.sys, ctx.money.refunds,
    ctx.options.request_timeout + std::chrono::milliseconds{wait_ms},
    std::move(cmd),
    [ex, request, slot](create_refund_reply& reply) {
      answer_create(*ex, request, reply);
    },
    [ex](const caf::error& err) { ex->fail(err); });
}

void list_refunds_route(const context& ctx, const exchange_ptr& ex) {
  std::string order_id;
  if (auto fields = http::parse_query(ex->req.target()))
    if (auto value = http::form_value(*fields, "payment_order_id"))
      order_id = std::string{*value};
  if (order_id.empty()) {
    ex->fail(invalid("parameter_missing",
                     "Missing required param: payment_order_id.",
                     "payment_order_id"));
    return;
  }
  if (!domain::is_valid_id(order_id)) {
    ex->fail(invalid("parameter_invalid", "payment_order_id is not an id.",
                     "payment_order_id"));
    return;
  }
  ask<refund_list>(
    ctx.sys, ctx.money.refunds, ctx.options.request_timeout,
    list_refunds{ex->who.scope.in(order_id)},
    [ex, order_id](refund_list& list) {
      if (!list.order_found)
        ex->fail(not_found("payment order", order_id, "payment_order_id"));
      else
        ex->reply(200, render_refund_list(order_id, list, ex->who.scope));
    },
    [ex](const caf::error& err) { ex->fail(err); });
}

void get_refund_route(const context& ctx, const exchange_ptr& ex,
                      const std::string& id) {
  ask<refund_lookup>(
    ctx.sys, ctx.money.refunds, ctx.options.request_timeout, get_refund{id},
    [ex, id](refund_lookup& found) {
      // Refund ids are ours, not the merchant's: another account's refund
      // is found by id, and answered as if it were not.
      if (!found.found || !ex->who.scope.owns(found.refund.payment_order_id))
        ex->fail(not_found("refund", id, "id"));
      else
        ex->reply(200, render_refund(found.refund, ex->who.scope));
    },
    [ex](const caf::error& err) { ex->fail(err); });
}

}  // namespace

bool dispatch_refund_routes(const context& ctx, const exchange_ptr& ex,
                            std::string_view path) {
  if (path.substr(0, refunds_path.size()) != refunds_path) return false;
  auto rest = path.substr(refunds_path.size());
  if (!rest.empty() && rest.front() != '/') return false;
  if (!ctx.money.refunds) {
    ex->fail(api_error{503, "api_error", "service_unavailable",
                       "Refunds are not running.", ""});
    return true;
  }
  if (rest.empty() || rest == "/") {
    if (ex->req.method() == bhttp::verb::post)
      create_refund_route(ctx, ex);
    else if (ex->req.method() == bhttp::verb::get)
      list_refunds_route(ctx, ex);
    else
      method_not_allowed(ex, "GET, POST");
    return true;
  }
  std::string id{rest.substr(1)};
  if (!domain::is_valid_id(id)) return false;
  if (ex->req.method() != bhttp::verb::get)
    method_not_allowed(ex, "GET");
  else
    get_refund_route(ctx, ex, id);
  return true;
}

}  // namespace pay::gateway
