#include "gateway/reconcile/trial_balance_route.hpp"

#include <optional>

#include "gateway/common/actor_ask.hpp"
#include "gateway/common/request_checks.hpp"
#include "gateway/reconcile/trial_balance_render.hpp"
#include "http/form.hpp"

namespace pay::gateway {

namespace bhttp = boost::beast::http;

namespace {

// ?format= wins over Accept; Accept asks for CSV only when it names
// text/csv (a browser's "*/*" or none: JSON).
std::optional<bool> wants_csv(const exchange& ex,
                              std::optional<api_error>& err) {
  auto fields = http::parse_query(ex.req.target());
  if (!fields) {
    err = invalid("invalid_query", "Malformed query string.", "");
    return std::nullopt;
  }
  std::optional<bool> format;
  for (const auto& [name, value] : *fields) {
    if (name != "format") {
      err = invalid("parameter_unknown", "Unknown parameter: " + name, name);
      return std::nullopt;
    }
    if (value != "csv" && value != "json") {
      err = invalid("parameter_invalid", "format must be json or csv.",
                    "format");
      return std::nullopt;
    }
    format = value == "csv";
  }
  if (format) return format;
  auto accept = ex.req[bhttp::field::accept];
  return std::string_view{accept.data(), accept.size()}.find("text/csv")
         != std::string_view::npos;
}

}  // namespace

void trial_balance_route(const context& ctx, const exchange_ptr& ex) {
  std::optional<api_error> err;
  auto csv = wants_csv(*ex, err);
  if (!csv) {
    ex->fail(*err);
    return;
  }
  ask<trial_balance>(
    ctx.sys, ctx.money.reconciler, ctx.options.request_timeout,
    read_trial_balance{},
    [ex, as_csv = *csv](trial_balance& tb) {
      if (!as_csv) {
        ex->reply(200, render_trial_balance_json(tb));
        return;
      }
      auto res = http::make_response(ex->req, 200, "text/csv",
                                     render_trial_balance_csv(tb));
      res.set(bhttp::field::content_disposition,
              "attachment; filename=\"trial_balance.csv\"");
      res.set("Request-Id", ex->request_id);
      ex->respond(std::move(res));
    },
    [ex](const caf::error& e) { ex->fail(e); });
}

}  // namespace pay::gateway
