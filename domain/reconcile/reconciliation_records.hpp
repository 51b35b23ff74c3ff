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
  std::int64_t started_us = 0;        // the listing's cursor time
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        reconciliation_report& x) {
  return f(x.run_id, x.date, x.status, x.report_json, x.error,
           x.database_unavailable, x.started_us);
}

// Keyset pagination over (started_at, run_id), newest first.
struct list_reconciliation_runs {
  std::string date;  // empty: the latest runs of any date
  std::uint32_t limit = 50;
  std::int64_t after_started_us = -1;  // cursor; -1: from the newest
  std::int64_t after_run_id = 0;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        list_reconciliation_runs& x) {
  return f(x.date, x.limit, x.after_started_us, x.after_run_id);
}

struct reconciliation_runs {
  std::vector<reconciliation_report> runs;  // newest first
  bool has_more = false;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, reconciliation_runs& x) {
  return f(x.runs, x.has_more);
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
  std::string policy_case;  // domain::policy_case as text
  // What its line posts to settlement_suspense now (signed, the ledger's
  // convention; 0: nothing) and in which currency.
  std::int64_t suspense_minor = 0;
  std::string currency;
  // The correcting entry its resolution booked (transaction id 0: none):
  // the target account and the target's posting.
  std::int64_t correction_transaction_id = 0;
  std::string correction_account;
  std::int64_t correction_minor = 0;
  std::int64_t created_us = 0;  // the listing's cursor time
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        reconciliation_exception_view& x) {
  return f(x.id, x.date, x.kind, x.route, x.psp_reference, x.our_id,
           x.ours_json, x.theirs_json, x.message, x.status, x.resolution,
           x.created_at, x.resolved_at, x.policy_case, x.suspense_minor,
           x.currency, x.correction_transaction_id, x.correction_account,
           x.correction_minor, x.created_us);
}

// Keyset pagination over (created_at, exception_id), oldest first.
struct list_reconciliation_exceptions {
  std::string status;  // open, resolved, or empty: both
  std::string date;    // empty: any
  std::string route;   // empty: any
  std::uint32_t limit = 100;
  std::int64_t after_created_us = -1;  // cursor; -1: from the oldest
  std::int64_t after_id = 0;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        list_reconciliation_exceptions& x) {
  return f(x.status, x.date, x.route, x.limit, x.after_created_us, x.after_id);
}

struct reconciliation_exceptions {
  std::vector<reconciliation_exception_view> exceptions;
  bool has_more = false;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        reconciliation_exceptions& x) {
  return f(x.exceptions, x.has_more);
}

struct get_reconciliation_exception {
  std::int64_t id = 0;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        get_reconciliation_exception& x) {
  return f(x.id);
}

struct reconciliation_exception_lookup {
  bool found = false;
  reconciliation_exception_view exception;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        reconciliation_exception_lookup& x) {
  return f(x.found, x.exception);
}

struct resolve_reconciliation_exception {
  std::int64_t id = 0;
  std::string resolution;  // the operator's reason
  // Where the money in suspense goes ("": the exception's default target;
  // domain/reconcile/suspense_correction.hpp).
  std::string account;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        resolve_reconciliation_exception& x) {
  return f(x.id, x.resolution, x.account);
}

enum class resolve_outcome : std::uint8_t {
  resolved = 0,  // now: `booked` says whether an entry was written
  not_found = 1,
  already_resolved = 2,    // the same resolution again: nothing written
  resolved_otherwise = 3,  // resolved before with another reason or account
  account_not_allowed = 4,
};

struct resolve_reconciliation_reply {
  resolve_outcome outcome = resolve_outcome::resolved;
  reconciliation_exception_view exception;
  bool booked = false;  // a correcting entry was written by this request
  std::vector<std::string> allowed_accounts;  // for account_not_allowed
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        resolve_reconciliation_reply& x) {
  return f(x.outcome, x.exception, x.booked, x.allowed_accounts);
}

}  // namespace pay
