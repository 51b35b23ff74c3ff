#pragma once
// Reconciliation as plain data: runs, exceptions and their resolution, as
// the reconciler (messages/reconcile/reconciler_protocol.hpp) carries them
// and the SQL layer (persistence/reconcile/) reads and writes. No CAF here.

#include <cstdint>
#include <string>
#include <vector>

namespace pay {

struct run_reconciliation {
  std::string date;  // YYYY-MM-DD
  std::string correlation_id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, run_reconciliation& x) {
  return f(x.date, x.correlation_id);
}

// A run's report as stored (reconciliation_run.report, JSON text).
struct reconciliation_report {
  std::int64_t run_id = 0;
  std::string date;
  std::string status;  // completed, failed
  std::string report_json;
  std::string error;                  // why a failed run failed
  bool database_unavailable = false;  // failed on our database: try later
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        reconciliation_report& x) {
  return f(x.run_id, x.date, x.status, x.report_json, x.error,
           x.database_unavailable);
}

struct list_reconciliation_runs {
  std::string date;  // empty: the latest runs of any date
  std::uint32_t limit = 50;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        list_reconciliation_runs& x) {
  return f(x.date, x.limit);
}

struct reconciliation_runs {
  std::vector<reconciliation_report> runs;  // newest first
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, reconciliation_runs& x) {
  return f(x.runs);
}

struct reconciliation_exception_view {
  std::int64_t id = 0;
  std::string date;
  std::string kind;
  std::string route;  // auto_corrected, queued, escalated
  std::string psp_reference;
  std::string our_id;
  std::string ours_json;    // our side, as stored
  std::string theirs_json;  // the PSP's side
  std::string message;
  std::string status;  // open, resolved
  std::string resolution;
  std::string created_at;
  std::string resolved_at;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        reconciliation_exception_view& x) {
  return f(x.id, x.date, x.kind, x.route, x.psp_reference, x.our_id,
           x.ours_json, x.theirs_json, x.message, x.status, x.resolution,
           x.created_at, x.resolved_at);
}

struct list_reconciliation_exceptions {
  std::string status;  // open, resolved, or empty: both
  std::string date;    // empty: any
  std::string route;   // empty: any
  std::uint32_t limit = 100;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        list_reconciliation_exceptions& x) {
  return f(x.status, x.date, x.route, x.limit);
}

struct reconciliation_exceptions {
  std::vector<reconciliation_exception_view> exceptions;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        reconciliation_exceptions& x) {
  return f(x.exceptions);
}

struct resolve_reconciliation_exception {
  std::int64_t id = 0;
  std::string resolution;  // the operator's reason
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        resolve_reconciliation_exception& x) {
  return f(x.id, x.resolution);
}

enum class resolve_outcome : std::uint8_t {
  resolved = 0,
  not_found = 1,
  already_resolved = 2,
};

struct resolve_reconciliation_reply {
  resolve_outcome outcome = resolve_outcome::resolved;
  reconciliation_exception_view exception;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        resolve_reconciliation_reply& x) {
  return f(x.outcome, x.exception);
}

}  // namespace pay
