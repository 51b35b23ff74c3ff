#include "gateway/refund/refund_admin_routes.hpp"

#include <optional>
#include <string>

#include "domain/refund/refund_status.hpp"
#include "gateway/common/actor_ask.hpp"
#include "gateway/common/admin_listing.hpp"
#include "gateway/common/error_mapping.hpp"
#include "gateway/common/request_checks.hpp"
#include "gateway/refund/refund_render.hpp"

namespace pay::gateway {

namespace bhttp = boost::beast::http;

namespace {

constexpr std::uint32_t page_max = 1000;
constexpr std::uint32_t refunds_page_default = 50;

// Asks the refund service, or answers 503 when refunds are not running.
template <class Reply, class Message, class Answer>
void ask_refunds(const context& ctx, const exchange_ptr& ex, Message msg,
                 Answer answer) {
  if (!ctx.money.refunds) {
    ex->fail(api_error{503, "api_error", "service_unavailable",
                       "Refunds are not running.", ""});
    return;
  }
  ask<Reply>(
    ctx.sys, ctx.money.refunds, ctx.options.request_timeout, std::move(msg),
    [ex, answer](Reply& reply) { answer(*ex, reply); },
    [ex](const caf::error& err) { ex->fail(err); });
}

void list_refunds_route(const context& ctx, const exchange_ptr& ex) {
  list_refunds_admin query;
  page_request page{refunds_page_default, -1, {}};
  auto err = read_page_query(
    ex->req.target(), {"status"}, page_max, page,
    [&](const std::string&,
        const std::string& value) -> std::optional<api_error> {
      if (!domain::parse_refund_status(value))
        return invalid("parameter_invalid",
                       "status must be one of CREATED, PENDING, SUCCEEDED, "
                       "FAILED.",
                       "status");
      query.status = value;
      return std::nullopt;
    });
  if (err) {
    ex->fail(*err);
    return;
  }
  query.limit = page.limit;
  query.after_created_us = page.after_us;
  query.after_id = page.after_id;
  ask_refunds<refund_page>(
    ctx, ex, query, [](const exchange& ex, const refund_page& found) {
      auto next = found.refunds.empty()
                    ? std::string{}
                    : next_cursor(found.has_more, found.last_created_us,
                                  found.refunds.back().refund_id.value);
      ex.reply(200, render_refund_page(found, next));
    });
}

void list_refund_dead_letters_route(const context& ctx,
                                    const exchange_ptr& ex) {
  list_refund_dead_letters query;
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
  ask_refunds<refund_dead_letter_page>(
    ctx, ex, query,
    [](const exchange& ex, const refund_dead_letter_page& found) {
      auto next = found.entries.empty()
                    ? std::string{}
                    : next_cursor(found.has_more,
                                  found.entries.back().last_seen_us,
                                  found.entries.back().refund_id.value);
      ex.reply(200, render_refund_dead_letters(found, next));
    });
}

// The one place a dead-letter outcome becomes an HTTP answer.
void answer_dead_letter(const exchange& ex, const refund_dead_letter_reply& r,
                        const std::string& id) {
  auto refuse = [&](const char* code, const std::string& message) {
    ex.fail(
      api_error{409, "invalid_request_error", code, message, "refund_id"});
  };
  switch (r.outcome) {
    case refund_dead_letter_outcome::applied:
      ex.reply(200, render_refund_dead_letter(r.entry));
      return;
    case refund_dead_letter_outcome::not_found:
      ex.fail(not_found("dead letter", id, "refund_id"));
      return;
    case refund_dead_letter_outcome::not_open:
      refuse("dead_letter_not_open",
             "This dead letter is already " + r.entry.status + ".");
      return;
    case refund_dead_letter_outcome::psp_made_it:
      refuse("psp_refund_exists",
             "The PSP made this refund (" + r.detail
               + "): it cannot be failed; requeue it so paymentd records what "
                 "the PSP did.");
      return;
    case refund_dead_letter_outcome::psp_unknown:
      refuse("psp_outcome_unknown",
             "A call of this refund may have refunded at the PSP and the PSP "
             "could not be asked ("
               + r.detail + "); nothing changed. Try again when it answers.");
      return;
    case refund_dead_letter_outcome::refund_moved:
      refuse("refund_changed",
             "The refund changed while the PSP was asked; nothing changed. "
             "Look at it again.");
      return;
  }
}

void requeue_route(const context& ctx, const exchange_ptr& ex,
                   const std::string& id) {
  ask_refunds<refund_dead_letter_reply>(
    ctx, ex, requeue_refund_dead_letter{domain::refund_id{id}, ex->request_id},
    [id](const exchange& ex, const refund_dead_letter_reply& r) {
      answer_dead_letter(ex, r, id);
    });
}

void resolve_route(const context& ctx, const exchange_ptr& ex,
                   const std::string& id) {
  auto reason = operator_reason(ex->req.body());
  if (auto* err = std::get_if<api_error>(&reason)) {
    ex->fail(*err);
    return;
  }
  ask_refunds<refund_dead_letter_reply>(
    ctx, ex,
    resolve_refund_dead_letter{domain::refund_id{id},
                               std::get<std::string>(reason), ex->request_id},
    [id](const exchange& ex, const refund_dead_letter_reply& r) {
      answer_dead_letter(ex, r, id);
    });
}

}  // namespace

bool dispatch_refund_admin_routes(const context& ctx, const exchange_ptr& ex,
                                  std::string_view path) {
  if (path == "/admin/refunds")
    return only(ex, bhttp::verb::get, "GET",
                [&] { list_refunds_route(ctx, ex); });
  if (path == "/admin/dlq/refunds")
    return only(ex, bhttp::verb::get, "GET",
                [&] { list_refund_dead_letters_route(ctx, ex); });
  if (auto id = id_between(path, "/admin/dlq/refunds/", "/requeue");
      !id.empty())
    return only(ex, bhttp::verb::post, "POST",
                [&] { requeue_route(ctx, ex, id); });
  if (auto id = id_between(path, "/admin/dlq/refunds/", "/resolve");
      !id.empty())
    return only(ex, bhttp::verb::post, "POST",
                [&] { resolve_route(ctx, ex, id); });
  return false;
}

}  // namespace pay::gateway
