#pragma once
// Reconciliation's reads and writes, inside the reconciler's transaction:
// our side of a settlement file, the plan applied (lines, exceptions,
// settled marks, the day's settlement transactions, the run and its
// report), and the admin reads.

#include <cstdint>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "domain/reconcile/reconcile.hpp"
#include "domain/reconcile/reconciliation_records.hpp"

namespace pay::persistence {

// Takes the day's lock (sql::reconcile::lock_day) for the rest of the
// transaction, then reads every record of ours the file refers to, the
// successes it should list and the lines finance corrected.
domain::books load_books(pqxx::work& txn, const domain::settlement_file& file);

struct applied_plan {
  std::int64_t run_id = 0;
  std::int32_t new_exceptions = 0;
  std::int32_t new_ledger_transactions = 0;
  std::int32_t records_settled = 0;   // orders, refunds and pay-outs marked now
  std::vector<std::string> new_keys;  // exceptions first seen in this run
};

// Writes what the plan says, idempotently: a second run over the same
// inputs adds a run row and nothing else. `report_json` is completed with
// the counts of what was new by the caller afterwards (update_report).
applied_plan apply_plan(pqxx::work& txn, const domain::settlement_file& file,
                        const domain::reconciliation_plan& plan,
                        const std::string& file_sha256);

void update_report(pqxx::work& txn, std::int64_t run_id,
                   const std::string& report_json);

// A run that could not reconcile (no file, unreadable file): recorded so
// the report says so.
std::int64_t record_failed_run(pqxx::work& txn, const std::string& date,
                               const std::string& error,
                               const std::string& report_json);

reconciliation_runs list_runs(pqxx::work& txn,
                              const list_reconciliation_runs& query);
reconciliation_exceptions list_exceptions(
  pqxx::work& txn, const list_reconciliation_exceptions& query);
reconciliation_exception_lookup get_exception(pqxx::work& txn, std::int64_t id);

// Resolves the exception and, when its line holds money in suspense, books
// the correcting entry (domain/reconcile/suspense_correction.hpp) and, for
// a seller's payable, the wallet with it: one transaction, under the day's
// lock. The same resolution again writes nothing; anything refused writes
// nothing.
resolve_reconciliation_reply resolve_exception(
  pqxx::work& txn, const resolve_reconciliation_exception& cmd);

// Exceptions whose order still waited on the PSP when its charge was
// settled, and whose order is final now: at most `limit`, oldest first.
std::vector<std::int64_t> follow_up_candidates(pqxx::work& txn,
                                               std::uint32_t limit);

enum class follow_up_result : std::uint8_t {
  none = 0,       // still open and waiting (or handled meanwhile)
  corrected = 1,  // the order succeeded: suspense -> receivable, settled
  escalated = 2,  // the order failed: the money stays in suspense
};

struct follow_up_outcome {
  follow_up_result result = follow_up_result::none;
  reconciliation_exception_view exception;  // as it is now
};

// One candidate, under its day's lock: its order SUCCESS and booked books
// the correction to psp_receivable, settles the order on the exception's
// day and resolves it (route auto_corrected); FAILED escalates it.
follow_up_outcome follow_up_exception(pqxx::work& txn, std::int64_t id);

}  // namespace pay::persistence
