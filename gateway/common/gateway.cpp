#include "gateway/common/gateway.hpp"

#include <functional>

#include "domain/common/ids.hpp"
#include "gateway/access/gatekeeper.hpp"
#include "gateway/common/render.hpp"
#include "gateway/common/request_checks.hpp"
#include "gateway/common/route_label.hpp"
#include "gateway/common/routes.hpp"
#include "gateway/ops/ui_assets.hpp"
#include "gateway/refund/refund_admin_routes.hpp"
#include "http/form.hpp"
#include "observability/metrics.hpp"

namespace pay::gateway {

namespace bhttp = boost::beast::http;

namespace {

bool dispatch_admin(const context& ctx, const exchange_ptr& ex,
                    std::string_view path) {
  if (path == "/admin/actors")
    return only(ex, bhttp::verb::get, "GET",
                [&] { actor_summary_route(ctx, ex); });
  if (dispatch_key_admin_routes(ctx, ex, path)) return true;
  if (path == "/admin/cluster")
    return only(ex, bhttp::verb::get, "GET", [&] { cluster_route(ctx, ex); });
  if (path == "/admin/orders")
    return only(ex, bhttp::verb::get, "GET",
                [&] { list_orders_route(ctx, ex); });
  if (auto id = id_after(path, "/admin/orders/"); !id.empty())
    return only(ex, bhttp::verb::get, "GET",
                [&] { inspect_order_route(ctx, ex, id); });
  if (path == "/admin/reviews")
    return only(ex, bhttp::verb::get, "GET",
                [&] { list_reviews_route(ctx, ex); });
  if (auto id = id_between(path, "/admin/reviews/", "/approve"); !id.empty())
    return only(ex, bhttp::verb::post, "POST",
                [&] { decide_review_route(ctx, ex, id, true); });
  if (auto id = id_between(path, "/admin/reviews/", "/reject"); !id.empty())
    return only(ex, bhttp::verb::post, "POST",
                [&] { decide_review_route(ctx, ex, id, false); });
  // Before /admin/dlq: the refunds' and pay-outs' queues live below it.
  if (dispatch_payout_admin_routes(ctx, ex, path)
      || dispatch_refund_admin_routes(ctx, ex, path)
      || dispatch_reconciliation_admin_routes(ctx, ex, path))
    return true;
  if (path == "/admin/dlq")
    return only(ex, bhttp::verb::get, "GET",
                [&] { list_dead_letters_route(ctx, ex); });
  if (auto id = id_between(path, "/admin/dlq/", "/requeue"); !id.empty())
    return only(ex, bhttp::verb::post, "POST",
                [&] { requeue_dead_letter_route(ctx, ex, id); });
  if (auto id = id_between(path, "/admin/dlq/", "/resolve"); !id.empty())
    return only(ex, bhttp::verb::post, "POST",
                [&] { resolve_dead_letter_route(ctx, ex, id); });
  return false;
}

// The operator page's files hold no data: served without the token, which
// the page asks for and sends with every API call it makes.
void serve_ui(const exchange_ptr& ex, std::string_view path) {
  auto name = path == "/admin/ui" || path == "/admin/ui/"
                ? std::string_view{"index.html"}
                : path.substr(std::string_view{"/admin/ui/"}.size());
  const auto* asset = find_ui_asset(name);
  if (asset == nullptr) {
    ex->fail(api_error{404, "invalid_request_error", "resource_missing",
                       "No such file in the operator page.", ""});
    return;
  }
  auto res = http::make_response(ex->req, 200, ui_content_type(name),
                                 std::string{asset->body});
  res.set(bhttp::field::cache_control, "no-cache");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Content-Security-Policy",
          "default-src 'self'; frame-ancestors 'none'; form-action 'self'");
  res.set("Request-Id", ex->request_id);
  ex->respond(std::move(res));
}

void serve_metrics(const exchange_ptr& ex) {
  auto res = http::make_response(ex->req, 200,
                                 "text/plain; version=0.0.4; charset=utf-8",
                                 obs::metrics::get().render());
  res.set("Request-Id", ex->request_id);
  ex->respond(std::move(res));
}

bool dispatch_api(const context& ctx, const exchange_ptr& ex,
                  std::string_view path) {
  if (path == "/metrics")
    return only(ex, bhttp::verb::get, "GET", [&] { serve_metrics(ex); });
  if (path == "/healthz")
    return only(ex, bhttp::verb::get, "GET",
                [&] { ex->reply(200, R"({"status":"ok"})"); });
  if (path == "/readyz")
    return only(ex, bhttp::verb::get, "GET", [&] { readyz_route(ctx, ex); });
  if (path == "/v1/payments")
    return only(ex, bhttp::verb::post, "POST",
                [&] { create_payment_route(ctx, ex); });
  if (path == "/v1/webhooks/psp")
    return only(ex, bhttp::verb::post, "POST",
                [&] { psp_webhook_route(ctx, ex); });
  if (dispatch_fulfilment_routes(ctx, ex, path)
      || dispatch_refund_routes(ctx, ex, path)
      || dispatch_payout_routes(ctx, ex, path))
    return true;
  if (auto id = id_after(path, "/v1/payments/"); !id.empty())
    return only(ex, bhttp::verb::get, "GET",
                [&] { get_order_route(ctx, ex, id); });
  if (auto id = id_after(path, "/v1/checkouts/"); !id.empty())
    return only(ex, bhttp::verb::get, "GET",
                [&] { get_checkout_route(ctx, ex, id); });
  if (auto id = id_after(path, "/pay/status/"); !id.empty())
    return only(ex, bhttp::verb::get, "GET",
                [&] { status_page_route(ctx, ex, id); });
  return false;
}

void dispatch(const context& ctx, const exchange_ptr& ex) {
  auto target = ex->req.target();
  const auto path = http::target_path({target.data(), target.size()});
  if (path == "/admin/ui" || path.substr(0, 10) == "/admin/ui/") {
    only(ex, bhttp::verb::get, "GET", [&] { serve_ui(ex, path); });
    return;
  }
  // The gatekeeper has checked the key: nothing under /admin is revealed,
  // not even whether a route exists, without an admin key.
  if (path.substr(0, 7) == "/admin/" || path == "/admin") {
    if (dispatch_admin(ctx, ex, path)) return;
  } else if (dispatch_api(ctx, ex, path)) {
    return;
  }
  ex->fail(api_error{404, "invalid_request_error", "resource_missing",
                     "Unrecognized request URL (" + std::string{path} + ").",
                     ""});
}

}  // namespace

// RFC 7240: preferences are comma-separated, each a token (names are case
// insensitive), optionally "=" a value (a token or a quoted string), then
// ";"-separated parameters this server ignores.
std::uint32_t preferred_wait_ms(std::string_view prefer,
                                std::uint32_t wait_s_max) {
  auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
      s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
      s.remove_suffix(1);
    return s;
  };
  while (!prefer.empty()) {
    auto comma = prefer.find(',');
    auto item = prefer.substr(0, comma);
    prefer = comma == std::string_view::npos ? std::string_view{}
                                             : prefer.substr(comma + 1);
    item = trim(item.substr(0, item.find(';')));
    auto eq = item.find('=');
    if (eq == std::string_view::npos
        || !boost::beast::iequals(trim(item.substr(0, eq)), "wait"))
      continue;
    auto value = trim(item.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
      value = value.substr(1, value.size() - 2);
    if (value.empty()
        || value.find_first_not_of("0123456789") != std::string_view::npos)
      return 0;
    std::uint64_t seconds = 0;
    for (char c : value) {
      seconds = seconds * 10 + static_cast<std::uint64_t>(c - '0');
      if (seconds > wait_s_max) break;  // no overflow, whatever the length
    }
    return static_cast<std::uint32_t>(
             std::min<std::uint64_t>(seconds, wait_s_max))
           * 1000;
  }
  return 0;
}

http::handler make_gateway(caf::actor_system& sys,
                           payment_service_actor service, money_actors money,
                           gateway_options options) {
  auto ctx = std::make_shared<context>(
    context{sys, std::move(service), std::move(options), std::move(money),
            std::make_shared<edge_state>()});
  return [ctx](http::request&& req, http::responder respond) {
    auto id = request_id_of(req);
    // Every answer, from whichever route and thread, is counted here.
    auto target = req.target();
    auto route = route_label({target.data(), target.size()});
    auto method = std::string{req.method_string()};
    auto started = std::chrono::steady_clock::now();
    auto counted = [route, method, started,
                    respond = std::move(respond)](http::response res) {
      obs::metrics::get().http_request(route, method, res.result_int(),
                                       std::chrono::duration<double>(
                                         std::chrono::steady_clock::now()
                                         - started)
                                         .count());
      respond(std::move(res));
    };
    auto ex = std::make_shared<exchange>(exchange{std::move(req),
                                                  std::move(counted),
                                                  std::move(id),
                                                  {},
                                                  ctx->options.forwarder});
    if (!admit(*ctx, *ex)) return;
    dispatch(*ctx, ex);
  };
}

}  // namespace pay::gateway
