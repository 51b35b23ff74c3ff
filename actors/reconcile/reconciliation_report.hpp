#pragma once
// A reconciliation run's report, as stored in reconciliation_run.report and
// answered by the admin API: what was matched, corrected, queued and
// escalated, the lines' totals per currency, where the lines came from, and
// how long each step took.

#include <cstdint>
#include <string>

#include "actors/reconcile/settlement_source.hpp"
#include "domain/reconcile/reconcile.hpp"
#include "persistence/reconcile/reconciliation_sql.hpp"

namespace pay {

struct run_timings_ms {
  std::uint64_t fetch = 0;
  std::uint64_t parse = 0;
  std::uint64_t load = 0;
  std::uint64_t match = 0;
  std::uint64_t write = 0;
  std::uint64_t total = 0;
};

// Exceptions listed in the report at most (all are in the exceptions table).
inline constexpr std::size_t report_exceptions_max = 1000;

// `source` says where the lines came from ("source": name, pages, and the
// balance transactions skipped by type).
std::string render_reconciliation_report(
  const domain::reconciliation_plan& plan,
  const persistence::applied_plan& applied, const std::string& file_sha256,
  const run_timings_ms& timings, const settlement_source_facts& source = {});

// The report of a run that did not get as far as matching.
std::string render_failed_report(const std::string& date,
                                 const std::string& error);

}  // namespace pay
