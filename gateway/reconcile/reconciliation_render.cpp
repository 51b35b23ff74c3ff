#include "gateway/reconcile/reconciliation_render.hpp"

#include <boost/json.hpp>

#include "gateway/common/render.hpp"

namespace pay::gateway {

namespace json = boost::json;

namespace {

json::value parsed_or_text(const std::string& text) {
  boost::system::error_code ec;
  auto value = json::parse(text, ec);
  if (ec) return json::value(text);
  return value;
}

json::object money(std::int64_t amount_minor, const std::string& currency) {
  return json::object{{"amount", decimal_amount(amount_minor, currency)},
                      {"amount_minor", amount_minor},
                      {"currency", currency}};
}

}  // namespace

json::object run_json(const reconciliation_report& run) {
  return json::object{{"run_id", run.run_id},
                      {"date", run.date},
                      {"status", run.status},
                      {"error", null_if_empty(run.error)},
                      {"report", parsed_or_text(run.report_json)}};
}

json::object exception_json(const reconciliation_exception_view& e) {
  json::value suspense = nullptr;
  if (e.suspense_minor != 0) suspense = money(e.suspense_minor, e.currency);
  json::value correction = nullptr;
  if (e.correction_transaction_id != 0) {
    auto c = money(e.correction_minor, e.currency);
    c["transaction_id"] = e.correction_transaction_id;
    c["account"] = e.correction_account;
    correction = std::move(c);
  }
  return json::object{{"id", e.id},
                      {"date", e.date},
                      {"kind", e.kind},
                      {"route", e.route},
                      {"escalated", e.route == "escalated"},
                      {"psp_reference", null_if_empty(e.psp_reference)},
                      {"our_id", null_if_empty(e.our_id)},
                      {"ours", parsed_or_text(e.ours_json)},
                      {"theirs", parsed_or_text(e.theirs_json)},
                      {"message", e.message},
                      {"status", e.status},
                      {"resolution", null_if_empty(e.resolution)},
                      {"created_at", e.created_at},
                      {"resolved_at", null_if_empty(e.resolved_at)},
                      {"settlement_suspense", std::move(suspense)},
                      {"correction", std::move(correction)}};
}

std::string render_resolution(const resolve_reconciliation_reply& reply) {
  auto out = exception_json(reply.exception);
  out["outcome"] = reply.outcome == resolve_outcome::already_resolved
                     ? "already_resolved"
                   : reply.booked ? "booked"
                                  : "nothing_to_book";
  return json::serialize(out);
}

}  // namespace pay::gateway
