#include <cctype>

#include "domain/common/ids.hpp"
#include "gateway/access/gatekeeper.hpp"
#include "gateway/common/actor_ask.hpp"
#include "gateway/common/error_mapping.hpp"
#include "gateway/common/render.hpp"
#include "gateway/common/request_checks.hpp"
#include "gateway/common/routes.hpp"
#include "gateway/payin/create_payment_request.hpp"
#include "gateway/payin/status_page.hpp"
#include "http/form.hpp"

namespace pay::gateway {

namespace bhttp = boost::beast::http;

namespace {

constexpr std::uint32_t hosted_register_wait_ms = 10'000;

// The index of `order_id` in the request, for a precise `param`.
std::string order_param(const new_checkout& c, const std::string& order_id) {
  for (std::size_t i = 0; i < c.orders.size(); ++i)
    if (c.orders[i].id.value == order_id)
      return "payment_orders[" + std::to_string(i) + "].payment_order_id";
  return "payment_orders";
}

// The merchant's ids as stored: in its account's namespace.
void scope_ids(new_checkout& c, const domain::account_scope& scope) {
  c.id.value = scope.in(c.id.value);
  for (auto& o : c.orders) {
    o.id.value = scope.in(o.id.value);
    o.seller.value = scope.in(o.seller.value);
  }
}

// The status and body a fresh create result is answered with.
std::pair<unsigned, std::string> render_create(
  const create_payment_reply& r, const new_checkout& request,
  const domain::account_scope& scope) {
  switch (r.outcome) {
    case insert_outcome::created:
      return {201, render_checkout(r.view, scope)};
    case insert_outcome::duplicate_same_body:
      return {200, render_checkout(r.view, scope)};
    case insert_outcome::checkout_id_conflict: {
      auto err = conflict_to_api(r.outcome, "checkout_id");
      return {err.http_status, render_error(err)};
    }
    case insert_outcome::order_id_conflict: {
      auto err = conflict_to_api(r.outcome,
                                 order_param(request, r.conflicting_order_id));
      return {err.http_status, render_error(err)};
    }
  }
  return {500, render_error(system_error_to_api(caf::error{}))};
}

void answer_create(const context& ctx, const exchange_ptr& ex,
                   const new_checkout& request, const std::string& key,
                   create_payment_reply& reply) {
  if (reply.idempotency_mismatch) {
    ex->fail(api_error{400, "idempotency_error", "idempotency_key_reused",
                       "Keys for idempotent requests can only be used with "
                       "the same parameters they were first used with.",
                       "Idempotency-Key"});
    return;
  }
  if (reply.stored_status != 0) {
    ex->reply(reply.stored_status, reply.stored_body, true);
    return;
  }
  auto [status, body] = render_create(reply, request, ex->who.scope);
  bool replayed = reply.outcome == insert_outcome::duplicate_same_body;
  if (!reply.must_complete_key) {
    ex->reply(status, std::move(body), replayed);
    return;
  }
  // First use of the key: store the answer before giving it, so a retry
  // after a crash gets exactly this answer.
  ask<step_reply>(
    ctx.sys, ctx.service, ctx.options.request_timeout,
    complete_idempotency_key{key, static_cast<std::uint16_t>(status), body},
    [ex, status = status, body = body, replayed](step_reply&) {
      ex->reply(status, body, replayed);
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

}  // namespace

void create_payment_route(const context& ctx, const exchange_ptr& ex) {
  if (!is_json_media_type(ex->req[bhttp::field::content_type])) {
    ex->fail(api_error{415, "invalid_request_error", "unsupported_media_type",
                       "Content-Type must be application/json.", ""});
    return;
  }
  std::string key{ex->req["Idempotency-Key"]};
  if (ex->req.find("Idempotency-Key") != ex->req.end()
      && !is_valid_idempotency_key(key)) {
    ex->fail(invalid("idempotency_key_invalid",
                     "Idempotency-Key must be 1 to 255 printable ASCII "
                     "characters.",
                     "Idempotency-Key"));
    return;
  }
  if (!key.empty()) key = ex->who.scope.in(key);
  auto parsed = parse_create_payment(
    ex->req.body(),
    create_payment_limits{ctx.options.orders_per_checkout_max,
                          ctx.options.buyer_info_bytes_max,
                          ctx.options.buyer_info_keys_max,
                          // Ids are stored and sent under the account's prefix.
                          psp_id_chars_limit - ex->who.scope.in("").size()});
  if (auto* err = std::get_if<api_error>(&parsed)) {
    ex->fail(*err);
    return;
  }
  auto checkout = std::get<new_checkout>(std::move(parsed));
  scope_ids(checkout, ex->who.scope);
  auto parked = park_preferred_wait(ctx, *ex);
  auto wait_ms = parked.wait_ms;
  auto slot = parked.slot;  // held until the answer
  // Hosted page: the answer carries each order's redirect, so it waits for
  // the PSP's registrations (the buyer's payment comes much later).
  bool hosted = checkout.psp_token.empty();
  if (hosted) wait_ms = hosted_register_wait_ms;
  auto timeout = ctx.options.request_timeout
                 + std::chrono::milliseconds{wait_ms};
  auto request = checkout;
  ask<create_payment_reply>(
    ctx.sys, ctx.service, timeout,
    create_payment{std::move(checkout), wait_ms, ex->request_id, key, hosted},
    // A copy of the context: the answer may arrive while the gateway is
    // being torn down at shutdown.
    [ctx, ex, request, key, slot](create_payment_reply& reply) {
      answer_create(ctx, ex, request, key, reply);
    },
    [ex](const caf::error& err) { ex->fail(err); });
}

// Another account's object is not found, as if it did not exist: its
// ids are in that account's namespace, so the lookup itself cannot reach it.
void get_order_route(const context& ctx, const exchange_ptr& ex,
                     const std::string& id) {
  read_route<order_lookup>(
    ctx, ex, load_order{domain::payment_order_id{ex->who.scope.in(id)}},
    [id](const exchange& ex, const order_lookup& found) {
      if (!found.found)
        ex.fail(not_found("payment order", id, "payment_order_id"));
      else
        ex.reply(200, render_order(found.view, ex.who.scope));
    });
}

void get_checkout_route(const context& ctx, const exchange_ptr& ex,
                        const std::string& id) {
  read_route<checkout_lookup>(
    ctx, ex, load_checkout{domain::checkout_id{ex->who.scope.in(id)}},
    [id](const exchange& ex, const checkout_lookup& found) {
      if (!found.found)
        ex.fail(not_found("checkout", id, "checkout_id"));
      else
        ex.reply(200, render_checkout(found.view, ex.who.scope));
    });
}

void status_page_route(const context& ctx, const exchange_ptr& ex,
                       const std::string& id) {
  bool as_json = ex->req[bhttp::field::accept].find("application/json")
                 != boost::beast::string_view::npos;
  if (auto fields = http::parse_query(ex->req.target()))
    for (const auto& [name, value] : *fields)
      as_json = as_json || (name == "format" && value == "json");
  read_route<checkout_lookup>(
    ctx, ex, load_checkout{domain::checkout_id{id}},
    [id, as_json](const exchange& ex, const checkout_lookup& found) {
      if (!found.found) {
        ex.fail(not_found("checkout", id, "checkout_id"));
        return;
      }
      if (as_json) {
        ex.reply(200, render_status_page_json(found.view));
        return;
      }
      auto res = http::make_response(ex.req, 200, "text/html; charset=utf-8",
                                     render_status_page_html(found.view));
      res.set(bhttp::field::cache_control, "no-store");
      res.set("Content-Security-Policy",
              "default-src 'none'; style-src 'unsafe-inline'; "
              "frame-ancestors 'none'");
      res.set("X-Content-Type-Options", "nosniff");
      res.set("Request-Id", ex.request_id);
      ex.respond(std::move(res));
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

}  // namespace pay::gateway
