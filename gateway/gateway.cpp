#include "gateway/gateway.hpp"

#include <functional>

#include "domain/ids.hpp"
#include "gateway/render.hpp"
#include "gateway/routes.hpp"

namespace pay::gateway {

namespace bhttp = boost::beast::http;

namespace {

// "/v1/payments/abc" with prefix "/v1/payments/" -> "abc"; empty when the
// path is not below the prefix or the id is not a valid id.
std::string id_after(std::string_view path, std::string_view prefix) {
  if (path.substr(0, prefix.size()) != prefix)
    return {};
  std::string id{path.substr(prefix.size())};
  return domain::is_valid_id(id) ? id : std::string{};
}

// "/admin/dlq/po_1/requeue" with prefix "/admin/dlq/" and suffix "/requeue"
// -> "po_1".
std::string id_between(std::string_view path, std::string_view prefix,
                       std::string_view suffix) {
  if (path.size() <= prefix.size() + suffix.size()
      || path.substr(path.size() - suffix.size()) != suffix)
    return {};
  return id_after(path.substr(0, path.size() - suffix.size()), prefix);
}

void method_not_allowed(const exchange_ptr& ex, std::string_view allowed) {
  auto res = http::make_json_response(
    ex->req, 405,
    render_error(api_error{405, "invalid_request_error", "method_not_allowed",
                           "Method not allowed here; allowed: "
                             + std::string{allowed} + ".",
                           ""}));
  res.set(bhttp::field::allow, allowed);
  res.set("Request-Id", ex->request_id);
  ex->respond(std::move(res));
}

void unauthorized(const exchange_ptr& ex) {
  auto res = http::make_json_response(
    ex->req, 401,
    render_error(api_error{401, "invalid_request_error", "unauthorized",
                           "A valid admin bearer token is required.", ""}));
  res.set(bhttp::field::www_authenticate, "Bearer");
  res.set("Request-Id", ex->request_id);
  ex->respond(std::move(res));
}

// Runs `run` when the method matches, else answers 405.
bool only(const exchange_ptr& ex, bhttp::verb verb, std::string_view allowed,
          const std::function<void()>& run) {
  if (ex->req.method() != verb)
    method_not_allowed(ex, allowed);
  else
    run();
  return true;
}

bool dispatch_admin(const context& ctx, const exchange_ptr& ex,
                    std::string_view path) {
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

bool dispatch_api(const context& ctx, const exchange_ptr& ex,
                  std::string_view path) {
  if (path == "/healthz")
    return only(ex, bhttp::verb::get, "GET",
                [&] { ex->reply(200, R"({"status":"ok"})"); });
  if (path == "/readyz")
    return only(ex, bhttp::verb::get, "GET", [&] { readyz_route(ctx, ex); });
  if (path == "/v1/payments")
    return only(ex, bhttp::verb::post, "POST",
                [&] { create_payment_route(ctx, ex); });
  if (auto id = id_after(path, "/v1/payments/"); !id.empty())
    return only(ex, bhttp::verb::get, "GET",
                [&] { get_order_route(ctx, ex, id); });
  if (auto id = id_after(path, "/v1/checkouts/"); !id.empty())
    return only(ex, bhttp::verb::get, "GET",
                [&] { get_checkout_route(ctx, ex, id); });
  if (auto id = id_after(path, "/v1/wallets/"); !id.empty())
    return only(ex, bhttp::verb::get, "GET",
                [&] { get_wallet_route(ctx, ex, id); });
  return false;
}

void dispatch(const context& ctx, const exchange_ptr& ex) {
  auto target = ex->req.target();
  std::string_view path{target.data(), target.size()};
  path = path.substr(0, path.find('?'));
  if (path.substr(0, 7) == "/admin/" || path == "/admin") {
    // Nothing under /admin is revealed, not even whether a route exists,
    // without the token.
    if (!is_admin(ctx, ex->req)) {
      unauthorized(ex);
      return;
    }
    if (dispatch_admin(ctx, ex, path))
      return;
  } else if (dispatch_api(ctx, ex, path)) {
    return;
  }
  ex->fail(api_error{404, "invalid_request_error", "resource_missing",
                     "Unrecognized request URL (" + std::string{path} + ").",
                     ""});
}

}  // namespace

std::uint32_t preferred_wait_ms(std::string_view prefer,
                                std::uint32_t wait_s_max) {
  auto pos = prefer.find("wait=");
  if (pos == std::string_view::npos)
    return 0;
  std::uint64_t seconds = 0;
  std::size_t digits = 0;
  for (auto i = pos + 5; i < prefer.size() && digits < 6; ++i, ++digits) {
    char c = prefer[i];
    if (c < '0' || c > '9')
      break;
    seconds = seconds * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (digits == 0)
    return 0;
  return static_cast<std::uint32_t>(
           std::min<std::uint64_t>(seconds, wait_s_max))
         * 1000;
}

http::handler make_gateway(caf::actor_system& sys,
                           payment_service_actor service,
                           gateway_options options) {
  auto ctx = std::make_shared<context>(context{sys, std::move(service),
                                               std::move(options)});
  return [ctx](http::request&& req, http::responder respond) {
    auto id = request_id_of(req);
    auto ex = std::make_shared<const exchange>(
      exchange{std::move(req), std::move(respond), std::move(id)});
    dispatch(*ctx, ex);
  };
}

}  // namespace pay::gateway
