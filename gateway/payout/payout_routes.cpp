// A captured order's fulfilment (reached through gateway/payin's
// /v1/payment_orders/{id}/fulfill), /v1/wallets/{seller},
// /v1/sellers/{seller}/connected_account, /admin/payouts... and the pay-outs'
// dead-letter queue (/admin/dlq/payouts...): parse, ask the payout service,
// render.

#include <functional>
#include <optional>
#include <string>
#include <variant>

#include "domain/common/ids.hpp"
#include "domain/payout/payout_status.hpp"
#include "gateway/common/actor_ask.hpp"
#include "gateway/common/admin_listing.hpp"
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

std::variant<list_payouts, api_error> parse_list(std::string_view target) {
  list_payouts q;
  page_request page{payouts_page_default, -1, {}};
  auto err = read_page_query(
    target, {"seller_account", "status"}, payouts_page_max, page,
    [&](const std::string& name,
        const std::string& value) -> std::optional<api_error> {
      if (name == "seller_account") {
        if (!domain::is_valid_id(value))
          return invalid("parameter_invalid",
                         "seller_account is not a valid id.", "seller_account");
        q.seller_account = value;
        return std::nullopt;
      }
      auto status = domain::parse_payout_status(value);
      if (!status)
        return invalid("parameter_invalid",
                       "status must be one of CREATED, TRANSFERRED, "
                       "IN_TRANSIT, REVERSING, PAID, FAILED.",
                       "status");
      q.statuses = {*status};
      return std::nullopt;
    });
  if (err) return *err;
  q.limit = page.limit;
  q.after_created_us = page.after_us;
  q.after_id = page.after_id;
  return q;
}

void list_route(const context& ctx, const exchange_ptr& ex) {
  auto target = ex->req.target();
  auto parsed = parse_list(std::string_view{target.data(), target.size()});
  if (auto* err = std::get_if<api_error>(&parsed)) {
    ex->fail(*err);
    return;
  }
  ask_payouts<payout_list>(
    ctx, ex, std::get<list_payouts>(parsed),
    [](const exchange& ex, const payout_list& list) {
      auto next = list.payouts.empty()
                    ? std::string{}
                    : next_cursor(list.has_more, list.payouts.back().created_us,
                                  list.payouts.back().payout_id.value);
      ex.reply(200, render_payouts(list, next));
    });
}

// --- the dead-letter queue ----------------------------------------------------

constexpr std::string_view dlq_prefix = "/admin/dlq/payouts";

void list_payout_dead_letters_route(const context& ctx,
                                    const exchange_ptr& ex) {
  list_payout_dead_letters query;
  auto parsed = read_dead_letter_query(ex->req.target());
  if (auto* err = std::get_if<api_error>(&parsed)) {
    ex->fail(*err);
    return;
  }
  const auto& asked = std::get<dead_letter_query>(parsed);
  query.status = asked.status;
  query.limit = asked.page.limit;
  query.after_last_seen_us = asked.page.after_us;
  query.after_id = asked.page.after_id;
  ask_payouts<payout_dead_letter_page>(
    ctx, ex, query,
    [](const exchange& ex, const payout_dead_letter_page& found) {
      auto next = found.entries.empty()
                    ? std::string{}
                    : next_cursor(found.has_more,
                                  found.entries.back().last_seen_us,
                                  found.entries.back().payout_id.value);
      ex.reply(200, render_payout_dead_letters(found, next));
    });
}

// The one place a dead-letter outcome becomes an HTTP answer.
void answer_dead_letter(const exchange& ex, const payout_dead_letter_reply& r,
                        const std::string& id) {
  auto refuse = [&](const char* code, const std::string& message) {
    ex.fail(
      api_error{409, "invalid_request_error", code, message, "payout_id"});
  };
  switch (r.outcome) {
    case payout_dead_letter_outcome::applied:
      ex.reply(200, render_payout_dead_letter(r.entry));
      return;
    case payout_dead_letter_outcome::not_found:
      ex.fail(not_found("dead letter", id, "payout_id"));
      return;
    case payout_dead_letter_outcome::not_open:
      refuse("dead_letter_not_open",
             "This dead letter is already " + r.entry.status + ".");
      return;
    case payout_dead_letter_outcome::psp_acted:
      refuse("psp_payout_exists",
             "The provider holds this pay-out's money (" + r.detail
               + "): it cannot be failed; requeue it so it goes on from "
                 "there.");
      return;
    case payout_dead_letter_outcome::psp_unknown:
      refuse("psp_outcome_unknown",
             "A call of this pay-out may have moved money and the provider "
             "could not be asked ("
               + r.detail + "); nothing changed. Try again when it answers.");
      return;
    case payout_dead_letter_outcome::payout_moved:
      refuse("payout_changed",
             "The pay-out changed while the provider was asked; nothing "
             "changed. Look at it again.");
      return;
    case payout_dead_letter_outcome::in_transit:
      refuse("payout_in_transit",
             "The provider holds this pay-out (" + r.detail
               + "): only its answer can end it; requeue it.");
      return;
  }
}

void requeue_payout_dead_letter_route(const context& ctx,
                                      const exchange_ptr& ex,
                                      const std::string& id) {
  ask_payouts<payout_dead_letter_reply>(
    ctx, ex, requeue_payout_dead_letter{domain::payout_id{id}, ex->request_id},
    [id](const exchange& ex, const payout_dead_letter_reply& r) {
      answer_dead_letter(ex, r, id);
    });
}

void resolve_payout_dead_letter_route(const context& ctx,
                                      const exchange_ptr& ex,
                                      const std::string& id) {
  auto reason = operator_reason(ex->req.body());
  if (auto* err = std::get_if<api_error>(&reason)) {
    ex->fail(*err);
    return;
  }
  ask_payouts<payout_dead_letter_reply>(
    ctx, ex,
    resolve_payout_dead_letter{domain::payout_id{id},
                               std::get<std::string>(reason), ex->request_id},
    [id](const exchange& ex, const payout_dead_letter_reply& r) {
      answer_dead_letter(ex, r, id);
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

void mark_fulfilled_route(const context& ctx, const exchange_ptr& ex,
                          const std::string& id) {
  fulfill_route(ctx, ex, id);
}

bool dispatch_payout_routes(const context& ctx, const exchange_ptr& ex,
                            std::string_view path) {
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
  if (path == dlq_prefix)
    return only(ex, bhttp::verb::get, "GET",
                [&] { list_payout_dead_letters_route(ctx, ex); });
  if (auto id = id_between(path, "/admin/dlq/payouts/", "/requeue");
      !id.empty())
    return only(ex, bhttp::verb::post, "POST",
                [&] { requeue_payout_dead_letter_route(ctx, ex, id); });
  if (auto id = id_between(path, "/admin/dlq/payouts/", "/resolve");
      !id.empty())
    return only(ex, bhttp::verb::post, "POST",
                [&] { resolve_payout_dead_letter_route(ctx, ex, id); });
  if (path == "/admin/payouts/run")
    return only(ex, bhttp::verb::post, "POST", [&] { run_route(ctx, ex); });
  if (path == "/admin/payouts")
    return only(ex, bhttp::verb::get, "GET", [&] { list_route(ctx, ex); });
  if (auto id = id_after(path, "/admin/payouts/"); !id.empty())
    return only(ex, bhttp::verb::get, "GET", [&] { get_route(ctx, ex, id); });
  return false;
}

}  // namespace pay::gateway
