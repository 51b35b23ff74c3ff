// /admin/reconciliation: run a day, read the runs' reports, and work the
// exceptions queue (list, resolve with a reason).

#include <optional>
#include <variant>

#include <boost/json.hpp>

#include "domain/reconcile/settlement_csv.hpp"
#include "gateway/common/actor_ask.hpp"
#include "gateway/common/request_checks.hpp"
#include "gateway/common/routes.hpp"
#include "http/form.hpp"

namespace pay::gateway {

namespace json = boost::json;
namespace bhttp = boost::beast::http;

namespace {

constexpr std::uint32_t page_max = 1000;
constexpr std::size_t reason_length_max = 1000;
// A run over a 100,000-line file takes seconds; far beyond other asks.
constexpr std::chrono::minutes run_timeout{10};

constexpr std::string_view prefix = "/admin/reconciliation/";

json::value parsed_or_text(const std::string& text) {
  boost::system::error_code ec;
  auto value = json::parse(text, ec);
  if (ec) return json::value(text);
  return value;
}

json::object render_run(const reconciliation_report& run) {
  return json::object{{"run_id", run.run_id},
                      {"date", run.date},
                      {"status", run.status},
                      {"error", run.error.empty() ? json::value(nullptr)
                                                  : json::value(run.error)},
                      {"report", parsed_or_text(run.report_json)}};
}

json::object render_exception(const reconciliation_exception_view& e) {
  auto or_null = [](const std::string& s) {
    return s.empty() ? json::value(nullptr) : json::value(s);
  };
  return json::object{{"id", e.id},
                      {"date", e.date},
                      {"kind", e.kind},
                      {"route", e.route},
                      {"escalated", e.route == "escalated"},
                      {"psp_reference", or_null(e.psp_reference)},
                      {"our_id", or_null(e.our_id)},
                      {"ours", parsed_or_text(e.ours_json)},
                      {"theirs", parsed_or_text(e.theirs_json)},
                      {"message", e.message},
                      {"status", e.status},
                      {"resolution", or_null(e.resolution)},
                      {"created_at", e.created_at},
                      {"resolved_at", or_null(e.resolved_at)}};
}

std::optional<std::uint32_t> page_limit(const std::string& text) {
  if (text.empty() || text.size() > 4
      || text.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  auto value = static_cast<std::uint32_t>(std::stoul(text));
  if (value < 1 || value > page_max) return std::nullopt;
  return value;
}

api_error bad_date() {
  return invalid("parameter_invalid", "date must be a day as YYYY-MM-DD.",
                 "date");
}

api_error bad_limit() {
  return invalid("parameter_invalid",
                 "limit must be a whole number from 1 to "
                   + std::to_string(page_max) + ".",
                 "limit");
}

// The `date` and `limit` fields both listings take.
std::optional<api_error> take_date_or_limit(const std::string& name,
                                            const std::string& value,
                                            std::string& date,
                                            std::uint32_t& limit) {
  if (name == "date") {
    if (!domain::is_settlement_date(value)) return bad_date();
    date = value;
  } else if (auto parsed = page_limit(value)) {
    limit = *parsed;
  } else {
    return bad_limit();
  }
  return std::nullopt;
}

// Checks every query field against `allowed`, then hands each to `take`,
// which answers an error naming the field or nothing.
template <class Take>
std::optional<api_error> read_query(
  std::string_view target, std::initializer_list<std::string_view> allowed,
  Take&& take) {
  auto fields = http::parse_query(target);
  if (!fields) return invalid("invalid_query", "Malformed query string.", "");
  for (const auto& [name, value] : *fields) {
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end())
      return invalid("parameter_unknown",
                     "Unknown query parameter " + name + ".", name);
    if (auto err = take(name, value)) return err;
  }
  return std::nullopt;
}

void run_route(const context& ctx, const exchange_ptr& ex) {
  std::string date;
  auto err = read_query(ex->req.target(), {"date"},
                        [&](const std::string&, const std::string& value)
                          -> std::optional<api_error> {
                          if (!domain::is_settlement_date(value))
                            return bad_date();
                          date = value;
                          return std::nullopt;
                        });
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
        ex->reply(200, json::serialize(render_run(run)));
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
  auto err = read_query(ex->req.target(), {"date", "limit"},
                        [&](const std::string& name, const std::string& value) {
                          return take_date_or_limit(name, value, query.date,
                                                    query.limit);
                        });
  if (err) {
    ex->fail(*err);
    return;
  }
  ask<reconciliation_runs>(
    ctx.sys, ctx.money.reconciler, ctx.options.request_timeout, query,
    [ex](reconciliation_runs& found) {
      json::array runs;
      for (const auto& run : found.runs) runs.push_back(render_run(run));
      ex->reply(200, json::serialize(json::object{{"runs", std::move(runs)}}));
    },
    [ex](const caf::error& e) { ex->fail(e); });
}

void list_exceptions_route(const context& ctx, const exchange_ptr& ex) {
  list_reconciliation_exceptions query;
  query.status = "open";
  auto err = read_query(
    ex->req.target(), {"status", "date", "route", "limit"},
    [&](const std::string& name,
        const std::string& value) -> std::optional<api_error> {
      if (name == "status") {
        if (value != "open" && value != "resolved" && value != "all")
          return invalid("parameter_invalid",
                         "status must be open, resolved or all.", "status");
        query.status = value == "all" ? "" : value;
      } else if (name == "route") {
        if (value != "auto_corrected" && value != "queued"
            && value != "escalated")
          return invalid("parameter_invalid",
                         "route must be auto_corrected, queued or escalated.",
                         "route");
        query.route = value;
      } else {
        return take_date_or_limit(name, value, query.date, query.limit);
      }
      return std::nullopt;
    });
  if (err) {
    ex->fail(*err);
    return;
  }
  ask<reconciliation_exceptions>(
    ctx.sys, ctx.money.reconciler, ctx.options.request_timeout, query,
    [ex](reconciliation_exceptions& found) {
      json::array out;
      for (const auto& e : found.exceptions) out.push_back(render_exception(e));
      ex->reply(200,
                json::serialize(json::object{{"exceptions", std::move(out)}}));
    },
    [ex](const caf::error& e) { ex->fail(e); });
}

void resolve_route(const context& ctx, const exchange_ptr& ex,
                   std::int64_t id) {
  boost::system::error_code ec;
  auto body = json::parse(ex->req.body(), ec);
  const json::value* reason = nullptr;
  if (!ec && body.is_object()) reason = body.get_object().if_contains("reason");
  if (reason == nullptr || !reason->is_string() || reason->get_string().empty()
      || reason->get_string().size() > reason_length_max) {
    ex->fail(invalid("parameter_missing",
                     "Body must be a JSON object with a non-empty string "
                     "\"reason\" of at most 1000 characters.",
                     "reason"));
    return;
  }
  ask<resolve_reconciliation_reply>(
    ctx.sys, ctx.money.reconciler, ctx.options.request_timeout,
    resolve_reconciliation_exception{id, std::string{reason->get_string()}},
    [ex, id](resolve_reconciliation_reply& reply) {
      switch (reply.outcome) {
        case resolve_outcome::resolved:
          ex->reply(200, json::serialize(render_exception(reply.exception)));
          return;
        case resolve_outcome::already_resolved:
          ex->fail(api_error{
            409, "invalid_request_error", "already_resolved",
            "Exception " + std::to_string(id) + " is resolved already.", "id"});
          return;
        case resolve_outcome::not_found:
          break;
      }
      ex->fail(api_error{
        404, "invalid_request_error", "resource_missing",
        "No reconciliation exception " + std::to_string(id) + ".", "id"});
    },
    [ex](const caf::error& e) { ex->fail(e); });
}

// "/admin/reconciliation/exceptions/17/resolve" -> 17.
std::optional<std::int64_t> exception_id_of(std::string_view path) {
  constexpr std::string_view head = "/admin/reconciliation/exceptions/";
  constexpr std::string_view tail = "/resolve";
  if (path.size() <= head.size() + tail.size()
      || path.substr(0, head.size()) != head
      || path.substr(path.size() - tail.size()) != tail)
    return std::nullopt;
  auto digits = path.substr(head.size(),
                            path.size() - head.size() - tail.size());
  if (digits.size() > 18
      || digits.find_first_not_of("0123456789") != std::string_view::npos)
    return std::nullopt;
  return std::stoll(std::string{digits});
}

}  // namespace

bool dispatch_reconciliation_admin_routes(const context& ctx,
                                          const exchange_ptr& ex,
                                          std::string_view path) {
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
  if (auto id = exception_id_of(path)) {
    return only(ex, bhttp::verb::post, "POST",
                [&] { resolve_route(ctx, ex, *id); });
  }
  return false;
}

}  // namespace pay::gateway
