#include <optional>
#include <variant>

#include <openssl/crypto.h>

#include <boost/json.hpp>

#include "gateway/common/actor_ask.hpp"
#include "gateway/common/admin_listing.hpp"
#include "gateway/common/error_mapping.hpp"
#include "gateway/common/order_cursor.hpp"
#include "gateway/common/render.hpp"
#include "gateway/common/routes.hpp"
#include "gateway/ops/admin_render.hpp"
#include "gateway/ops/cluster_render.hpp"
#include "http/form.hpp"

namespace pay::gateway {

namespace json = boost::json;

namespace {

constexpr std::uint32_t reviews_page_max = 1000;
constexpr std::uint32_t reviews_page_default = 100;
constexpr std::uint32_t orders_page_max = 1000;
constexpr std::uint32_t orders_page_default = 50;
constexpr std::int64_t older_than_s_max = 10LL * 365 * 24 * 3600;

// A whole number in [min, max], or nullopt.
std::optional<std::int64_t> whole_in(const std::string& text, std::int64_t min,
                                     std::int64_t max) {
  if (text.empty() || text.size() > 18
      || text.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  auto value = std::stoll(text);
  if (value < min || value > max) return std::nullopt;
  return value;
}

api_error bad_cursor() {
  return invalid("parameter_invalid",
                 "cursor is not one this API handed out; use next_cursor "
                 "from the previous page.",
                 "cursor");
}

std::optional<domain::order_status> status_named(const std::string& name) {
  for (auto s : domain::all_order_statuses)
    if (domain::to_string(s) == name) return s;
  return std::nullopt;
}

std::string status_names() {
  std::string out;
  for (auto s : domain::all_order_statuses)
    out += (out.empty() ? "" : ", ") + domain::to_string(s);
  return out;
}

// The query of GET /admin/orders, or the error that names the bad field.
std::variant<list_orders, api_error> parse_list_orders(
  std::string_view target) {
  list_orders query;
  query.limit = orders_page_default;
  auto fields = http::parse_query(target);
  if (!fields) return invalid("invalid_query", "Malformed query string.", "");
  for (const auto& [name, value] : *fields) {
    if (name == "status") {
      auto status = status_named(value);
      if (!status)
        return invalid("parameter_invalid",
                       "status must be one of " + status_names() + ".",
                       "status");
      query.statuses = {*status};
    } else if (name == "older_than_s") {
      auto s = whole_in(value, 0, older_than_s_max);
      if (!s)
        return invalid("parameter_invalid",
                       "older_than_s must be a whole number of seconds from 0 "
                       "to "
                         + std::to_string(older_than_s_max) + ".",
                       "older_than_s");
      query.older_than_s = *s;
    } else if (name == "limit") {
      auto limit = whole_in(value, 1, orders_page_max);
      if (!limit)
        return invalid("parameter_invalid",
                       "limit must be a whole number from 1 to "
                         + std::to_string(orders_page_max) + ".",
                       "limit");
      query.limit = static_cast<std::uint32_t>(*limit);
    } else if (name == "cursor") {
      auto cursor = decode_cursor(value);
      if (!cursor) return bad_cursor();
      query.after_updated_us = cursor->updated_us;
      query.after_id = cursor->id;
    } else {
      return invalid("parameter_unknown", "Unknown parameter: " + name, name);
    }
  }
  return query;
}
constexpr std::size_t resolve_reason_length_max = 1000;

void answer_operator(const exchange& ex, const operator_reply& reply,
                     const std::string& id) {
  switch (reply.outcome) {
    case operator_outcome::applied:
      ex.reply(200, render_dead_letter(reply.entry));
      return;
    case operator_outcome::not_found:
      ex.fail(not_found("dead letter", id, "payment_order_id"));
      return;
    case operator_outcome::not_open:
      ex.fail(
        api_error{409, "invalid_request_error", "dead_letter_not_open",
                  "This dead letter is already " + reply.entry.status + ".",
                  "payment_order_id"});
      return;
  }
}

}  // namespace

void list_dead_letters_route(const context& ctx, const exchange_ptr& ex) {
  list_dead_letters query;
  auto parsed = read_dead_letter_query(ex->req.target());
  if (auto* err = std::get_if<api_error>(&parsed)) {
    ex->fail(*err);
    return;
  }
  const auto& asked = std::get<dead_letter_query>(parsed);
  query.status = asked.status;
  query.limit = asked.page.limit;
  query.after_seen_us = asked.page.after_us;
  query.after_id = asked.page.after_id;
  ask<dead_letters>(
    ctx.sys, ctx.service, ctx.options.request_timeout, query,
    [ex](dead_letters& found) { ex->reply(200, render_dead_letters(found)); },
    [ex](const caf::error& err) { ex->fail(err); });
}

void cluster_route(const context& ctx, const exchange_ptr& ex) {
  ask<cluster_view>(
    ctx.sys, ctx.service, ctx.options.request_timeout, load_cluster{},
    [ex, me = ctx.options.me](cluster_view& view) {
      ex->reply(200, render_cluster(me, view));
    },
    [ex](const caf::error& err) { ex->fail(err); });
}

void actor_summary_route(const context& ctx, const exchange_ptr& ex) {
  ex->reply(200, render_actor_summary(ctx.options.store_instances));
}

void list_orders_route(const context& ctx, const exchange_ptr& ex) {
  auto parsed = parse_list_orders(ex->req.target());
  if (auto* err = std::get_if<api_error>(&parsed)) {
    ex->fail(*err);
    return;
  }
  ask<order_page>(
    ctx.sys, ctx.service, ctx.options.request_timeout,
    std::get<list_orders>(parsed),
    [ex](order_page& page) {
      std::string next;
      if (page.has_more && !page.orders.empty())
        next = encode_cursor(
          {page.last_updated_us, page.orders.back().id.value});
      ex->reply(200, render_order_page(page, next));
    },
    [ex](const caf::error& err) { ex->fail(err); });
}

void inspect_order_route(const context& ctx, const exchange_ptr& ex,
                         const std::string& id) {
  ask<order_inspection>(
    ctx.sys, ctx.service, ctx.options.request_timeout,
    inspect_order{domain::payment_order_id{id}},
    [ex, id](order_inspection& found) {
      if (!found.record.found)
        ex->fail(not_found("payment order", id, "payment_order_id"));
      else
        ex->reply(200, render_order_inspection(found));
    },
    [ex](const caf::error& err) { ex->fail(err); });
}

namespace {

// An operator's note: optional, at most 1000 characters. nullopt: a bad
// body (the error is in `err`).
std::optional<std::string> optional_reason(const std::string& body,
                                           api_error& err) {
  if (body.empty()) return std::string{};
  boost::system::error_code ec;
  auto parsed = json::parse(body, ec);
  const json::value* reason = nullptr;
  if (!ec && parsed.is_object())
    reason = parsed.get_object().if_contains("reason");
  if (ec || !parsed.is_object()
      || (reason
          && (!reason->is_string()
              || reason->get_string().size() > resolve_reason_length_max))) {
    err = invalid("parameter_invalid",
                  "Body must be empty or a JSON object with an optional string "
                  "\"reason\" of at most 1000 characters.",
                  "reason");
    return std::nullopt;
  }
  return reason ? std::string{reason->get_string()} : std::string{};
}

}  // namespace

void list_reviews_route(const context& ctx, const exchange_ptr& ex) {
  page_request page{reviews_page_default, -1, {}};
  auto err = read_page_query(
    ex->req.target(), {}, reviews_page_max, page,
    [](const std::string&, const std::string&) -> std::optional<api_error> {
      return std::nullopt;  // no field but the page's own
    });
  if (err) {
    ex->fail(*err);
    return;
  }
  list_reviews query{page.limit, page.after_us, page.after_id};
  ask<reviews>(
    ctx.sys, ctx.service, ctx.options.request_timeout, query,
    [ex](reviews& found) { ex->reply(200, render_reviews(found)); },
    [ex](const caf::error& err) { ex->fail(err); });
}

void decide_review_route(const context& ctx, const exchange_ptr& ex,
                         const std::string& id, bool approve) {
  api_error err;
  auto reason = optional_reason(ex->req.body(), err);
  if (!reason) {
    ex->fail(err);
    return;
  }
  ask<review_reply>(
    ctx.sys, ctx.service, ctx.options.request_timeout,
    decide_review{domain::checkout_id{id}, approve, *reason},
    [ex, id](review_reply& reply) {
      switch (reply.outcome) {
        case operator_outcome::applied:
          ex->reply(200, render_checkout(reply.checkout));
          return;
        case operator_outcome::not_found:
          ex->fail(not_found("review", id, "checkout_id"));
          return;
        case operator_outcome::not_open:
          ex->fail(api_error{409, "invalid_request_error", "review_not_open",
                             "This checkout is not waiting for a review.",
                             "checkout_id"});
          return;
      }
    },
    [ex](const caf::error& err) { ex->fail(err); });
}

void requeue_dead_letter_route(const context& ctx, const exchange_ptr& ex,
                               const std::string& id) {
  ask<operator_reply>(
    ctx.sys, ctx.service, ctx.options.request_timeout,
    requeue_dead_letter{domain::payment_order_id{id}},
    [ex, id](operator_reply& reply) { answer_operator(*ex, reply, id); },
    [ex](const caf::error& err) { ex->fail(err); });
}

void resolve_dead_letter_route(const context& ctx, const exchange_ptr& ex,
                               const std::string& id) {
  boost::system::error_code ec;
  auto body = json::parse(ex->req.body(), ec);
  const json::value* reason = nullptr;
  if (!ec && body.is_object()) reason = body.get_object().if_contains("reason");
  if (reason == nullptr || !reason->is_string() || reason->get_string().empty()
      || reason->get_string().size() > resolve_reason_length_max) {
    ex->fail(invalid("parameter_missing",
                     "Body must be a JSON object with a non-empty string "
                     "\"reason\" of at most 1000 characters.",
                     "reason"));
    return;
  }
  ask<operator_reply>(
    ctx.sys, ctx.service, ctx.options.request_timeout,
    resolve_dead_letter{domain::payment_order_id{id},
                        std::string{reason->get_string()}},
    [ex, id](operator_reply& reply) { answer_operator(*ex, reply, id); },
    [ex](const caf::error& err) { ex->fail(err); });
}

}  // namespace pay::gateway
