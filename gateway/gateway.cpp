#include "gateway/gateway.hpp"

#include <cctype>
#include <random>

#include <spdlog/spdlog.h>

#include "domain/ids.hpp"
#include "gateway/actor_ask.hpp"
#include "gateway/create_payment_request.hpp"
#include "gateway/error_mapping.hpp"
#include "gateway/render.hpp"

namespace pay::gateway {

namespace bhttp = boost::beast::http;

namespace {

struct context {
  caf::actor_system& sys;
  payment_service_actor service;
  gateway_options options;
};

// What an async answer needs of the request after it was moved away.
struct exchange {
  http::request req;
  http::responder respond;
  std::string request_id;

  void reply(unsigned status, std::string body,
             bool replayed = false) const {
    auto res = http::make_json_response(req, status, std::move(body));
    res.set("Request-Id", request_id);
    if (replayed)
      res.set("Idempotent-Replayed", "true");
    respond(std::move(res));
  }
  void fail(const api_error& err) const {
    reply(err.http_status, render_error(err));
  }
  void fail(const caf::error& err) const {
    spdlog::error("request {} {} failed: {}", request_id,
                  std::string{req.target()}, caf::to_string(err));
    fail(system_error_to_api(err));
  }
};

using exchange_ptr = std::shared_ptr<const exchange>;

std::string new_request_id(const http::request& req) {
  auto given = req["X-Request-Id"];
  if (!given.empty() && given.size() <= 64
      && domain::is_valid_id(std::string{given}))
    return std::string{given};
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char hex[] = "0123456789abcdef";
  std::string id = "req_";
  auto bits = rng();
  for (int i = 0; i < 16; ++i, bits >>= 4)
    id += hex[bits & 0xf];
  return id;
}

// "application/json", any case, parameters such as charset allowed.
bool is_json_media_type(std::string_view content_type) {
  auto media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && media.back() == ' ')
    media.remove_suffix(1);
  constexpr std::string_view json_type = "application/json";
  if (media.size() != json_type.size())
    return false;
  for (std::size_t i = 0; i < media.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(media[i])) != json_type[i])
      return false;
  return true;
}

// The index of `order_id` in the request, for a precise `param`.
std::string order_param(const new_checkout& c, const std::string& order_id) {
  for (std::size_t i = 0; i < c.orders.size(); ++i)
    if (c.orders[i].id.value == order_id)
      return "payment_orders[" + std::to_string(i) + "].payment_order_id";
  return "payment_orders";
}

void create_payment_route(const context& ctx, const exchange_ptr& ex) {
  if (!is_json_media_type(ex->req[bhttp::field::content_type])) {
    ex->fail(api_error{415, "invalid_request_error", "unsupported_media_type",
                       "Content-Type must be application/json.", ""});
    return;
  }
  auto parsed = parse_create_payment(
    ex->req.body(), create_payment_limits{ctx.options.orders_per_checkout_max});
  if (auto* err = std::get_if<api_error>(&parsed)) {
    ex->fail(*err);
    return;
  }
  auto checkout = std::get<new_checkout>(std::move(parsed));
  auto wait_ms = preferred_wait_ms(ex->req["Prefer"], ctx.options.wait_s_max);
  auto timeout = ctx.options.request_timeout + std::chrono::milliseconds{wait_ms};
  auto request = checkout;
  ask<create_payment_reply>(
    ctx.sys, ctx.service, timeout,
    create_payment{std::move(checkout), wait_ms, ex->request_id},
    [ex, request](create_payment_reply& reply) {
      switch (reply.outcome) {
        case insert_outcome::created:
          ex->reply(201, render_checkout(reply.view));
          return;
        case insert_outcome::duplicate_same_body:
          ex->reply(200, render_checkout(reply.view), true);
          return;
        case insert_outcome::checkout_id_conflict:
          ex->fail(conflict_to_api(reply.outcome, "checkout_id"));
          return;
        case insert_outcome::order_id_conflict:
          ex->fail(conflict_to_api(
            reply.outcome, order_param(request, reply.conflicting_order_id)));
          return;
      }
    },
    [ex](const caf::error& err) { ex->fail(err); });
}

template <class Reply, class Query, class Render>
void read_route(const context& ctx, const exchange_ptr& ex, Query query,
                Render render) {
  ask<Reply>(
    ctx.sys, ctx.service, ctx.options.request_timeout, std::move(query),
    [ex, render](Reply& reply) { render(*ex, reply); },
    [ex](const caf::error& err) { ex->fail(err); });
}

void get_order_route(const context& ctx, const exchange_ptr& ex,
                     const std::string& id) {
  read_route<order_lookup>(
    ctx, ex, load_order{domain::payment_order_id{id}},
    [id](const exchange& ex, const order_lookup& found) {
      if (!found.found)
        ex.fail(not_found("payment order", id, "payment_order_id"));
      else
        ex.reply(200, render_order(found.view));
    });
}

void get_checkout_route(const context& ctx, const exchange_ptr& ex,
                        const std::string& id) {
  read_route<checkout_lookup>(
    ctx, ex, load_checkout{domain::checkout_id{id}},
    [id](const exchange& ex, const checkout_lookup& found) {
      if (!found.found)
        ex.fail(not_found("checkout", id, "checkout_id"));
      else
        ex.reply(200, render_checkout(found.view));
    });
}

void get_wallet_route(const context& ctx, const exchange_ptr& ex,
                      const std::string& seller) {
  read_route<wallet_view>(
    ctx, ex, load_wallet{domain::seller_account{seller}},
    [seller](const exchange& ex, const wallet_view& wallet) {
      if (wallet.balances.empty())
        ex.fail(not_found("wallet", seller, "seller_account"));
      else
        ex.reply(200, render_wallet(wallet));
    });
}

void readyz_route(const context& ctx, const exchange_ptr& ex) {
  ask<ready_reply>(
    ctx.sys, ctx.service, std::chrono::milliseconds{5'000}, check_ready{},
    [ex](ready_reply& r) {
      ex->reply(r.ready ? 200 : 503,
                r.ready ? R"({"status":"ready"})"
                        : render_error(api_error{503, "api_error", "not_ready",
                                                 r.detail, ""}));
    },
    [ex](const caf::error&) {
      ex->fail(api_error{503, "api_error", "not_ready",
                         "The database is not reachable.", ""});
    });
}

// "/v1/payments/abc" with prefix "/v1/payments/" -> "abc"; empty when the
// path is not below the prefix or the id is not a valid id.
std::string id_after(std::string_view path, std::string_view prefix) {
  if (path.substr(0, prefix.size()) != prefix)
    return {};
  std::string id{path.substr(prefix.size())};
  return domain::is_valid_id(id) ? id : std::string{};
}

struct route {
  std::string_view allowed;  // for 405's Allow header
  std::function<void(const context&, const exchange_ptr&)> run;
};

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

void dispatch(const context& ctx, const exchange_ptr& ex) {
  auto target = ex->req.target();
  std::string_view path{target.data(), target.size()};
  path = path.substr(0, path.find('?'));
  auto method = ex->req.method();
  auto only = [&](bhttp::verb verb, std::string_view allowed, auto&& run) {
    if (method != verb) {
      method_not_allowed(ex, allowed);
      return;
    }
    run();
  };
  if (path == "/healthz")
    return only(bhttp::verb::get, "GET",
                [&] { ex->reply(200, R"({"status":"ok"})"); });
  if (path == "/readyz")
    return only(bhttp::verb::get, "GET", [&] { readyz_route(ctx, ex); });
  if (path == "/v1/payments")
    return only(bhttp::verb::post, "POST",
                [&] { create_payment_route(ctx, ex); });
  if (auto id = id_after(path, "/v1/payments/"); !id.empty())
    return only(bhttp::verb::get, "GET",
                [&] { get_order_route(ctx, ex, id); });
  if (auto id = id_after(path, "/v1/checkouts/"); !id.empty())
    return only(bhttp::verb::get, "GET",
                [&] { get_checkout_route(ctx, ex, id); });
  if (auto id = id_after(path, "/v1/wallets/"); !id.empty())
    return only(bhttp::verb::get, "GET",
                [&] { get_wallet_route(ctx, ex, id); });
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
                                               options});
  return [ctx](http::request&& req, http::responder respond) {
    auto id = new_request_id(req);
    auto ex = std::make_shared<const exchange>(
      exchange{std::move(req), std::move(respond), std::move(id)});
    dispatch(*ctx, ex);
  };
}

}  // namespace pay::gateway
