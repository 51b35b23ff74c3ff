#include "actors/reconcile/reconciliation_report.hpp"

#include <map>

#include <boost/json.hpp>

#include "domain/common/currency.hpp"
#include "domain/common/money.hpp"

namespace pay {

namespace {

namespace json = boost::json;

std::string decimal(std::int64_t amount_minor, const std::string& currency) {
  auto info = domain::find_currency(currency);
  return info ? domain::format_minor(amount_minor, *info)
              : std::to_string(amount_minor);
}

}  // namespace

std::string render_reconciliation_report(
  const domain::reconciliation_plan& plan,
  const persistence::applied_plan& applied, const std::string& file_sha256,
  const run_timings_ms& timings, const settlement_source_facts& source) {
  json::object r;
  r["run_id"] = applied.run_id;
  r["date"] = plan.date;
  r["status"] = "completed";
  r["file_sha256"] = file_sha256;
  r["lines"] = plan.counts.lines;
  r["matched"] = plan.counts.matched;
  r["auto_corrected"] = plan.counts.auto_corrected;
  r["queued"] = plan.counts.queued;
  r["escalated"] = plan.counts.escalated;
  r["held_by_correction"] = plan.counts.held_by_correction;
  r["new_exceptions"] = applied.new_exceptions;
  r["new_ledger_transactions"] = applied.new_ledger_transactions;
  r["records_settled"] = applied.records_settled;
  r["orders_polled"] = plan.orders_to_poll.size();

  std::map<std::string, std::uint32_t> by_kind;
  json::array exceptions;
  for (const auto& e : plan.exceptions) {
    ++by_kind[std::string{domain::to_string(e.kind)}];
    if (exceptions.size() < report_exceptions_max)
      exceptions.push_back(json::object{{"kind", domain::to_string(e.kind)},
                                        {"route", domain::to_string(e.route)},
                                        {"key", e.key},
                                        {"reference", e.reference},
                                        {"our_id", e.our_id},
                                        {"message", e.message}});
  }
  json::object kinds;
  for (const auto& [kind, n] : by_kind) kinds[kind] = n;
  r["by_kind"] = std::move(kinds);
  r["exceptions"] = std::move(exceptions);

  json::object totals;
  for (const auto& [currency, t] : plan.totals_by_currency)
    totals[currency] = json::object{{"lines", t.lines},
                                    {"gross", decimal(t.gross_minor, currency)},
                                    {"fee", decimal(t.fee_minor, currency)},
                                    {"net", decimal(t.net_minor, currency)}};
  r["totals"] = std::move(totals);

  json::object skipped;
  for (const auto& [type, n] : source.skipped_by_type) skipped[type] = n;
  r["source"] = json::object{{"name", source.name},
                             {"pages", source.pages},
                             {"skipped", std::move(skipped)}};

  r["timings_ms"] = json::object{
    {"fetch", timings.fetch}, {"parse", timings.parse},
    {"load", timings.load},   {"match", timings.match},
    {"write", timings.write}, {"total", timings.total}};
  // Lines per second of the whole run, file download included; whole
  // numbers, so no float reaches the wire.
  r["lines_per_s"] = timings.total == 0
                       ? std::uint64_t{plan.counts.lines} * 1000
                       : std::uint64_t{plan.counts.lines} * 1000
                           / timings.total;
  return json::serialize(r);
}

std::string render_failed_report(const std::string& date,
                                 const std::string& error) {
  return json::serialize(
    json::object{{"date", date}, {"status", "failed"}, {"error", error}});
}

}  // namespace pay
