// /v1/payment_orders/{id}/fulfill, /v1/wallets/{seller},
// /v1/sellers/{seller}/connected_account and /admin/payouts...: parse, ask
// the payout service, render.

#include <functional>
#include <optional>
#include <string>
#include <variant>

#include "domain/common/ids.hpp"
#include "domain/payout/payout_status.hpp"
#include "gateway/common/actor_ask.hpp"
#include "gateway/common/error_mapping.hpp"
#include "gateway/common/render.hpp"
#include "gateway/common/request_checks.hpp"
#include "gateway/common/routes.hpp"
#include "gateway/payout/connect_request.hpp"
#include "gateway/payout/payout_render.hpp"
#include "http/form.hpp"

namespace pay::gateway {

namespace bhttp = boost::beast::http;

namespace {

constexpr std::uint32_t payouts_page_max = 1000;
constexpr std::uint32_t payouts_page_default = 100;

// Runs `run` when the method matches, else answers 405 with Allow.
template <class Reply, class Message, class Answer>
void ask_payouts(const context& ctx, const exchange_ptr& ex, Message msg,
                 Answer answer) {
  if (!ctx.money.payouts) {
    ex->fail(api_error{503, "api_error", "payouts_unavailable",
                       "Pay-outs are not running.", ""});
    return;
  }
  ask<Reply>(
    ctx.sys, ctx.money.payouts, ctx.options.request_timeout, std::move(msg),
    [ex, answer](Reply& reply) { answer(*ex, reply); },
    [ex](const caf::error& err) { ex->fail(err); });
}

void fulfill_route(const context& ctx, const exchange_ptr& ex,
                   const std::string& id) {
  ask_payouts<fulfill_reply>(
    ctx, ex, fulfill_order{ex->who.scope.in(id)},
    [id](const exchange& ex, const fulfill_reply& r) {
      switch (r.outcome) {
        case fulfill_outcome::fulfilled:
        case fulfill_outcome::already_fulfilled:
          ex.reply(200, render_fulfilled(id, r));
          return;
        case fulfill_outcome::order_not_found:
          ex.fail(not_found("payment order", id, "payment_order_id"));
          return;
        case fulfill_outcome::order_not_succeeded:
          ex.fail(api_error{409, "invalid_request_error", "order_not_succeeded",
                            "Only a payment order in SUCCESS can be fulfilled.",
                            "payment_order_id"});
          return;
      }
    });
}

void wallet_route(const context& ctx, const exchange_ptr& ex,
                  const std::string& seller) {
  ask_payouts<wallet_balances>(
    ctx, ex, load_wallet_balances{ex->who.scope.in(seller)},
    [seller](const exchange& ex, const wallet_balances& w) {
      if (w.balances.empty())
        ex.fail(not_found("wallet", seller, "seller_account"));
      else
        ex.reply(200, render_wallet_split(seller, w));
    });
}

void connect_route(const context& ctx, const exchange_ptr& ex,
                   const std::string& seller) {
  auto parsed = parse_connect_request(ex->req.body());
  if (auto* err = std::get_if<api_error>(&parsed)) {
    ex->fail(*err);
    return;
  }
  auto request = std::get<connect_request>(std::move(parsed));
  connect_seller cmd{ex->who.scope.in(seller), request.stripe_account,
                     request.country, request.email, ex->request_id};
  ask_payouts<connect_reply>(
    ctx, ex, std::move(cmd),
    [seller](const exchange& ex, const connect_reply& r) {
      switch (r.outcome) {
        case connect_outcome::created:
        case connect_outcome::linked:
          ex.reply(201, render_connected_account(seller, r.account));
          return;
        case connect_outcome::already_linked:
          ex.reply(200, render_connected_account(seller, r.account));
          return;
        case connect_outcome::conflict:
          ex.fail(api_error{409, "invalid_request_error",
                            "connected_account_conflict", r.message,
                            "stripe_account"});
          return;
        case connect_outcome::no_such_account:
          ex.fail(
            invalid("no_such_connected_account",
                    "The PSP does not know that account (" + r.message + ").",
                    "stripe_account"));
          return;
        case connect_outcome::psp_refused:
          ex.fail(invalid("connected_account_refused",
                          "The PSP refused to create the account: " + r.message,
                          ""));
          return;
        case connect_outcome::psp_unavailable:
          ex.fail(api_error{503, "api_error", "psp_unavailable",
                            "The PSP gave no clear answer; try again.", ""});
          return;
      }
    });
}

void connected_account_route(const context& ctx, const exchange_ptr& ex,
                             const std::string& seller) {
  ask_payouts<connected_account_lookup>(
    ctx, ex, get_connected_account{ex->who.scope.in(seller)},
    [seller](const exchange& ex, const connected_account_lookup& found) {
      if (!found.found)
        ex.fail(not_found("connected account", seller, "seller_account"));
      else
        ex.reply(200, render_connected_account(seller, found.account));
    });
}

void run_route(const context& ctx, const exchange_ptr& ex) {
  ask_payouts<payout_run_reply>(ctx, ex, run_payouts{ex->request_id},
                                [](const exchange& ex,
                                   const payout_run_reply& r) {
                                  ex.reply(200, render_payout_run(r));
                                });
}

std::optional<std::uint32_t> page_size(const std::string& text) {
  if (text.empty() || text.size() > 4
      || text.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  auto n = static_cast<std::uint32_t>(std::stoul(text));
  if (n < 1 || n > payouts_page_max) return std::nullopt;
  return n;
}

std::variant<list_payouts, api_error> parse_list(std::string_view target) {
  list_payouts q;
  q.limit = payouts_page_default;
  auto fields = http::parse_query(target);
  if (!fields) return invalid("invalid_query", "Malformed query string.", "");
  for (const auto& [name, value] : *fields) {
    if (name == "seller_account") {
      if (!domain::is_valid_id(value))
        return invalid("parameter_invalid", "seller_account is not a valid id.",
                       "seller_account");
      q.seller_account = value;
    } else if (name == "status") {
      auto status = domain::parse_payout_status(value);
      if (!status)
        return invalid("parameter_invalid",
                       "status must be one of CREATED, TRANSFERRED, "
                       "IN_TRANSIT, REVERSING, PAID, FAILED.",
                       "status");
      q.statuses = {*status};
    } else if (name == "limit") {
      auto n = page_size(value);
      if (!n)
        return invalid("parameter_invalid",
                       "limit must be a whole number from 1 to "
                         + std::to_string(payouts_page_max) + ".",
                       "limit");
      q.limit = *n;
    }
  }
  return q;
}

void list_route(const context& ctx, const exchange_ptr& ex) {
  auto target = ex->req.target();
  auto parsed = parse_list(std::string_view{target.data(), target.size()});
  if (auto* err = std::get_if<api_error>(&parsed)) {
    ex->fail(*err);
    return;
  }
  ask_payouts<payout_list>(ctx, ex, std::get<list_payouts>(parsed),
                           [](const exchange& ex, const payout_list& list) {
                             ex.reply(200, render_payouts(list));
                           });
}

void get_route(const context& ctx, const exchange_ptr& ex,
               const std::string& id) {
  ask_payouts<payout_lookup>(ctx, ex, get_payout{id},
                             [id](const exchange& ex, const payout_lookup& f) {
                               if (!f.found)
                                 ex.fail(not_found("payout", id, "payout_id"));
                               else
                                 ex.reply(200, render_payout(f));
                             });
}

}  // namespace

bool dispatch_payout_routes(const context& ctx, const exchange_ptr& ex,
                            std::string_view path) {
  if (auto id = id_between(path, "/v1/payment_orders/", "/fulfill");
      !id.empty())
    return only(ex, bhttp::verb::post, "POST",
                [&] { fulfill_route(ctx, ex, id); });
  if (auto seller = id_after(path, "/v1/wallets/"); !seller.empty())
    return only(ex, bhttp::verb::get, "GET",
                [&] { wallet_route(ctx, ex, seller); });
  if (auto seller = id_between(path, "/v1/sellers/", "/connected_account");
      !seller.empty()) {
    if (ex->req.method() == bhttp::verb::post) {
      connect_route(ctx, ex, seller);
      return true;
    }
    return only(ex, bhttp::verb::get, "GET, POST",
                [&] { connected_account_route(ctx, ex, seller); });
  }
  return false;
}

bool dispatch_payout_admin_routes(const context& ctx, const exchange_ptr& ex,
                                  std::string_view path) {
  if (path == "/admin/payouts/run")
    return only(ex, bhttp::verb::post, "POST", [&] { run_route(ctx, ex); });
  if (path == "/admin/payouts")
    return only(ex, bhttp::verb::get, "GET", [&] { list_route(ctx, ex); });
  if (auto id = id_after(path, "/admin/payouts/"); !id.empty())
    return only(ex, bhttp::verb::get, "GET", [&] { get_route(ctx, ex, id); });
  return false;
}

}  // namespace pay::gateway
