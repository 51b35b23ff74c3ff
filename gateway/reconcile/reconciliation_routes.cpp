// /admin/reconciliation: run a day, read the runs' reports, and work the
// exceptions queue (list, read one, resolve with a reason and the account
// its money in suspense goes to); /admin/ledger/trial_balance.

#include <optional>
#include <variant>

#include <boost/json.hpp>

#include "domain/reconcile/settlement_csv.hpp"
#include "gateway/common/actor_ask.hpp"
#include "gateway/common/admin_listing.hpp"
#include "gateway/common/error_mapping.hpp"
#include "gateway/common/request_checks.hpp"
#include "gateway/common/routes.hpp"
#include "gateway/reconcile/reconciliation_render.hpp"
#include "gateway/reconcile/resolve_request.hpp"
#include "gateway/reconcile/trial_balance_route.hpp"
#include "http/form.hpp"

namespace pay::gateway {

namespace json = boost::json;
namespace bhttp = boost::beast::http;

namespace {

constexpr std::uint32_t page_max = 1000;
constexpr std::uint32_t runs_page_default = 50;
constexpr std::uint32_t exceptions_page_default = 100;
// A run over a 100,000-line file takes seconds; far beyond other asks.
constexpr std::chrono::minutes run_timeout{10};

constexpr std::string_view prefix = "/admin/reconciliation/";
constexpr std::string_view exceptions_prefix =
  "/admin/reconciliation/exceptions/";

api_error bad_date() {
  return invalid("parameter_invalid", "date must be a day as YYYY-MM-DD.",
                 "date");
}

std::optional<api_error> take_date(const std::string& value,
                                   std::string& date) {
  if (!domain::is_settlement_date(value)) return bad_date();
  date = value;
  return std::nullopt;
}

api_error bad_cursor() {
  return invalid("parameter_invalid",
                 "cursor is not one this API handed out; use next_cursor "
                 "from the previous page.",
                 "cursor");
}

void run_route(const context& ctx, const exchange_ptr& ex) {
  std::string date;
  std::optional<api_error> err;
  auto fields = http::parse_query(ex->req.target());
  if (!fields) err = invalid("invalid_query", "Malformed query string.", "");
  for (std::size_t i = 0; !err && fields && i < fields->size(); ++i) {
    const auto& [name, value] = (*fields)[i];
    err = name == "date"
            ? take_date(value, date)
            : invalid("parameter_unknown", "Unknown parameter: " + name, name);
  }
  if (!err && date.empty())
    err = invalid("parameter_missing", "date is required (YYYY-MM-DD).",
                  "date");
  if (err) {
    ex->fail(*err);
    return;
  }
  ask<reconciliation_report>(
    ctx.sys, ctx.money.reconciler, run_timeout,
    run_reconciliation{date, ex->request_id},
    [ex](reconciliation_report& run) {
      if (run.status == "completed") {
        ex->reply(200, json::serialize(run_json(run)));
        return;
      }
      if (run.database_unavailable) {
        ex->fail(api_error{503, "api_error", "database_unavailable",
                           "The reconciliation of " + run.date
                             + " could not reach the database; nothing was "
                               "written. Try again: "
                             + run.error,
                           ""});
        return;
      }
      ex->fail(api_error{
        502, "api_error", "reconciliation_failed",
        "The reconciliation of " + run.date + " failed: " + run.error, "date"});
    },
    [ex](const caf::error& e) { ex->fail(e); });
}

void list_runs_route(const context& ctx, const exchange_ptr& ex) {
  list_reconciliation_runs query;
  page_request page{runs_page_default, -1, {}};
  auto err = read_page_query(ex->req.target(), {"date"}, page_max, page,
                             [&](const std::string&, const std::string& value) {
                               return take_date(value, query.date);
                             });
  std::optional<std::int64_t> after;
  if (!err && page.after_us >= 0 && !(after = numeric_cursor_id(page.after_id)))
    err = bad_cursor();
  if (err) {
    ex->fail(*err);
    return;
  }
  query.limit = page.limit;
  query.after_started_us = page.after_us;
  query.after_run_id = after.value_or(0);
  ask<reconciliation_runs>(
    ctx.sys, ctx.money.reconciler, ctx.options.request_timeout, query,
    [ex](reconciliation_runs& found) {
      json::array runs;
      for (const auto& run : found.runs) runs.push_back(run_json(run));
      auto next = found.runs.empty()
                    ? std::string{}
                    : next_cursor(found.has_more, found.runs.back().started_us,
                                  std::to_string(found.runs.back().run_id));
      // "runs": the key this listing always had.
      ex->reply(200,
                render_page("runs", std::move(runs), found.has_more, next));
    },
    [ex](const caf::error& e) { ex->fail(e); });
}

void list_exceptions_route(const context& ctx, const exchange_ptr& ex) {
  list_reconciliation_exceptions query;
  query.status = "open";
  page_request page{exceptions_page_default, -1, {}};
  auto err = read_page_query(
    ex->req.target(), {"status", "date", "route"}, page_max, page,
    [&](const std::string& name,
        const std::string& value) -> std::optional<api_error> {
      if (name == "status") {
        if (value != "open" && value != "resolved" && value != "all")
          return invalid("parameter_invalid",
                         "status must be open, resolved or all.", "status");
        query.status = value == "all" ? "" : value;
        return std::nullopt;
      }
      if (name == "route") {
        if (value != "auto_corrected" && value != "queued"
            && value != "escalated")
          return invalid("parameter_invalid",
                         "route must be auto_corrected, queued or escalated.",
                         "route");
        query.route = value;
        return std::nullopt;
      }
      return take_date(value, query.date);
    });
  std::optional<std::int64_t> after;
  if (!err && page.after_us >= 0 && !(after = numeric_cursor_id(page.after_id)))
    err = bad_cursor();
  if (err) {
    ex->fail(*err);
    return;
  }
  query.limit = page.limit;
  query.after_created_us = page.after_us;
  query.after_id = after.value_or(0);
  ask<reconciliation_exceptions>(
    ctx.sys, ctx.money.reconciler, ctx.options.request_timeout, query,
    [ex](reconciliation_exceptions& found) {
      json::array out;
      for (const auto& e : found.exceptions) out.push_back(exception_json(e));
      const auto* last = found.exceptions.empty() ? nullptr
                                                  : &found.exceptions.back();
      auto next = last ? next_cursor(found.has_more, last->created_us,
                                     std::to_string(last->id))
                       : std::string{};
      // "exceptions": the key this listing always had.
      ex->reply(200, render_page("exceptions", std::move(out), found.has_more,
                                 next));
    },
    [ex](const caf::error& e) { ex->fail(e); });
}

api_error no_such_exception(std::int64_t id) {
  return api_error{404, "invalid_request_error", "resource_missing",
                   "No reconciliation exception " + std::to_string(id) + ".",
                   "id"};
}

void get_exception_route(const context& ctx, const exchange_ptr& ex,
                         std::int64_t id) {
  ask<reconciliation_exception_lookup>(
    ctx.sys, ctx.money.reconciler, ctx.options.request_timeout,
    get_reconciliation_exception{id},
    [ex, id](reconciliation_exception_lookup& found) {
      if (!found.found)
        ex->fail(no_such_exception(id));
      else
        ex->reply(200, json::serialize(exception_json(found.exception)));
    },
    [ex](const caf::error& e) { ex->fail(e); });
}

std::string listed(const std::vector<std::string>& accounts) {
  std::string out;
  for (const auto& a : accounts) out += (out.empty() ? "" : ", ") + a;
  return out;
}

void resolve_route(const context& ctx, const exchange_ptr& ex,
                   std::int64_t id) {
  auto parsed = parse_resolve_request(ex->req.body());
  if (auto* err = std::get_if<api_error>(&parsed)) {
    ex->fail(*err);
    return;
  }
  auto request = std::get<resolve_request>(std::move(parsed));
  ask<resolve_reconciliation_reply>(
    ctx.sys, ctx.money.reconciler, ctx.options.request_timeout,
    resolve_reconciliation_exception{id, request.reason, request.account},
    [ex, id, account = request.account](resolve_reconciliation_reply& reply) {
      switch (reply.outcome) {
        case resolve_outcome::resolved:
        case resolve_outcome::already_resolved:
          ex->reply(200, render_resolution(reply));
          return;
        case resolve_outcome::resolved_otherwise:
          ex->fail(api_error{409, "invalid_request_error", "already_resolved",
                             "Exception " + std::to_string(id)
                               + " is resolved already, with another reason "
                                 "or account: "
                               + reply.exception.resolution,
                             "id"});
          return;
        case resolve_outcome::account_not_allowed:
          ex->fail(invalid(
            "parameter_invalid",
            reply.allowed_accounts.empty()
              ? "Exception " + std::to_string(id)
                  + " holds nothing in settlement_suspense: there is no "
                    "money to move, so no account may be named."
              : "account " + account + " is not one exception "
                  + std::to_string(id) + " may be corrected to; one of: "
                  + listed(reply.allowed_accounts) + ".",
            "account"));
          return;
        case resolve_outcome::not_found:
          break;
      }
      ex->fail(no_such_exception(id));
    },
    [ex](const caf::error& e) { ex->fail(e); });
}

// "17" of "/admin/reconciliation/exceptions/17" (tail "") or of
// ".../17/resolve" (tail "/resolve").
std::optional<std::int64_t> exception_id_of(std::string_view path,
                                            std::string_view tail) {
  if (path.size() <= exceptions_prefix.size() + tail.size()
      || path.substr(0, exceptions_prefix.size()) != exceptions_prefix
      || path.substr(path.size() - tail.size()) != tail)
    return std::nullopt;
  auto digits = path.substr(exceptions_prefix.size(),
                            path.size() - exceptions_prefix.size()
                              - tail.size());
  return numeric_cursor_id(std::string{digits});
}

}  // namespace

bool dispatch_reconciliation_admin_routes(const context& ctx,
                                          const exchange_ptr& ex,
                                          std::string_view path) {
  if (path == trial_balance_path)
    return only(ex, bhttp::verb::get, "GET",
                [&] { trial_balance_route(ctx, ex); });
  if (path.substr(0, prefix.size()) != prefix) return false;
  auto rest = path.substr(prefix.size());
  if (rest == "run") {
    return only(ex, bhttp::verb::post, "POST", [&] { run_route(ctx, ex); });
  }
  if (rest == "runs") {
    return only(ex, bhttp::verb::get, "GET", [&] { list_runs_route(ctx, ex); });
  }
  if (rest == "exceptions") {
    return only(ex, bhttp::verb::get, "GET",
                [&] { list_exceptions_route(ctx, ex); });
  }
  if (auto id = exception_id_of(path, "/resolve")) {
    return only(ex, bhttp::verb::post, "POST",
                [&] { resolve_route(ctx, ex, *id); });
  }
  if (auto id = exception_id_of(path, "")) {
    return only(ex, bhttp::verb::get, "GET",
                [&] { get_exception_route(ctx, ex, *id); });
  }
  return false;
}

}  // namespace pay::gateway
