#pragma once
// Every statement of the reconciler (persistence/reconcile/
// reconciliation_sql.cpp): our side of a settlement file, the plan applied,
// the runs and exceptions. The day's settlement transactions are written by
// ledger (persistence/ledger/statements.hpp); this file only reads them.

// Our charges as to_charge in reconciliation_sql.cpp reads them.
#define PAY_CHARGE_SELECT                                                 \
  "SELECT payment_order_id, coalesce(psp_reference, ''), seller_account," \
  "       amount_minor, currency, status::text,"                          \
  " coalesce(settled_on::text, '')"                                       \
  "  FROM payment_order "

// Exceptions as to_exception_view in reconciliation_sql.cpp reads them.
#define PAY_EXCEPTION_SELECT                                              \
  "SELECT exception_id, settled_date::text, kind, route,"                 \
  "       coalesce(psp_reference, ''), coalesce(our_id, ''), ours::text," \
  "       theirs::text, message, status, coalesce(resolution, ''),"       \
  "       to_char(created_at AT TIME ZONE 'UTC',"                         \
  " 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'),"                                \
  "       coalesce(to_char(resolved_at AT TIME ZONE 'UTC',"               \
  "                        'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), '')"     \
  "  FROM reconciliation_exception "

// Marks the records ($2 ids) the day's file ($1) settled; a record settled
// earlier keeps its day.
#define PAY_SETTLE(table, id_column)                            \
  "UPDATE " table " SET settled_on = $1::date WHERE " id_column \
  " = ANY($2::text[]) AND settled_on IS NULL"

namespace pay::persistence::sql::reconcile {

// --- our side of the file -------------------------------------------------
// The session's dates are UTC: a settlement day is a UTC day.
inline constexpr const char* utc_time_zone = "SET LOCAL TIME ZONE 'UTC'";

// $1 the file's PSP references.
inline constexpr const char* charges_by_reference = PAY_CHARGE_SELECT
  "WHERE psp_reference = ANY($1::text[])";

// $1 our order ids, for lines whose reference found nothing.
inline constexpr const char* charges_by_id = PAY_CHARGE_SELECT
  "WHERE payment_order_id = ANY($1::text[])";

// The day's ($1) successes: what the file should list.
inline constexpr const char* charges_succeeded_on = PAY_CHARGE_SELECT
  "WHERE status = 'SUCCESS' AND succeeded_at >= $1::date"
  "   AND succeeded_at < $1::date + 1";

// $1 PSP references, $2 our refund ids.
inline constexpr const char* refunds_of_file =
  "SELECT refund_id, coalesce(psp_reference, ''), payment_order_id,"
  "       amount_minor, currency, status::text,"
  "       coalesce(settled_on::text, '')"
  "  FROM refund WHERE psp_reference = ANY($1::text[])"
  "                 OR refund_id = ANY($2::text[])";

// $1 PSP references (a transfer's tr_, or a pay-out's po_ from before
// Connect), $2 our pay-out ids.
inline constexpr const char* payouts_of_file =
  "SELECT payout_id, coalesce(transfer_reference, psp_reference, ''),"
  "       seller_account, amount_minor, currency, status::text,"
  "       coalesce(settled_on::text, ''), transfer_reference IS NOT NULL"
  "  FROM payout WHERE transfer_reference = ANY($1::text[])"
  "                 OR psp_reference = ANY($1::text[])"
  "                 OR payout_id = ANY($2::text[])";

// --- the plan applied -----------------------------------------------------
// $1 date, $2 file hash, $3 lines. Returns the run id.
inline constexpr const char* insert_run =
  "INSERT INTO reconciliation_run"
  " (settled_date, status, file_sha256, lines, report)"
  " VALUES ($1::date, 'completed', $2, $3, '{}')"
  " RETURNING run_id";

// Every line of the day ($1) as classified now, parallel arrays $2..$11
// (line no, reference, type, gross, fee, net, currency, outcome, our id,
// idempotency key).
inline constexpr const char* upsert_lines =
  "INSERT INTO settlement_line (settled_date, line_no, psp_reference,"
  "  idempotency_key, type, gross_minor, fee_minor, net_minor, currency,"
  "  outcome, our_id)"
  " SELECT $1::date, l.line_no, l.reference, l.key, l.type, l.gross,"
  "        l.fee, l.net, l.currency, l.outcome, nullif(l.our_id, '')"
  "   FROM unnest($2::bigint[], $3::text[], $4::text[], $5::bigint[],"
  "               $6::bigint[], $7::bigint[], $8::text[], $9::text[],"
  "               $10::text[], $11::text[])"
  "        AS l(line_no, reference, type, gross, fee, net, currency,"
  "             outcome, our_id, key)"
  " ON CONFLICT (settled_date, line_no) DO UPDATE SET"
  "   psp_reference = excluded.psp_reference,"
  "   idempotency_key = excluded.idempotency_key, type = excluded.type,"
  "   gross_minor = excluded.gross_minor, fee_minor = excluded.fee_minor,"
  "   net_minor = excluded.net_minor, currency = excluded.currency,"
  "   outcome = excluded.outcome, our_id = excluded.our_id"
  // A re-run over the same file rewrites nothing.
  " WHERE (settlement_line.psp_reference, settlement_line.idempotency_key,"
  "        settlement_line.type, settlement_line.gross_minor,"
  "        settlement_line.fee_minor, settlement_line.net_minor,"
  "        settlement_line.currency, settlement_line.outcome,"
  "        settlement_line.our_id)"
  "   IS DISTINCT FROM"
  "       (excluded.psp_reference, excluded.idempotency_key, excluded.type,"
  "        excluded.gross_minor, excluded.fee_minor, excluded.net_minor,"
  "        excluded.currency, excluded.outcome, excluded.our_id)";

// The day's ($1) exceptions, parallel arrays $2..$9 (key, kind, route,
// reference, our id, ours JSON, theirs JSON, message), first seen by run
// $10. One already known (same day and key) is left as it is. Auto-corrected
// discrepancies are recorded already resolved: finance sees what was done,
// nobody has to act. Returns the keys inserted now.
inline constexpr const char* insert_exceptions =
  "INSERT INTO reconciliation_exception (settled_date, key, kind, route,"
  "  psp_reference, our_id, ours, theirs, message, status, resolution,"
  "  first_run_id, resolved_at)"
  " SELECT $1::date, e.key, e.kind, e.route, nullif(e.reference, ''),"
  "        nullif(e.our_id, ''), e.ours::jsonb, e.theirs::jsonb, e.message,"
  "        CASE WHEN e.route = 'auto_corrected' THEN 'resolved'"
  " ELSE 'open' END,"
  "        CASE WHEN e.route = 'auto_corrected'"
  "             THEN 'auto-corrected by the reconciler' END,"
  "        $10,"
  "        CASE WHEN e.route = 'auto_corrected' THEN now() END"
  "   FROM unnest($2::text[], $3::text[], $4::text[], $5::text[],"
  "               $6::text[], $7::text[], $8::text[], $9::text[])"
  "        AS e(key, kind, route, reference, our_id, ours, theirs, message)"
  " ON CONFLICT (settled_date, key) DO NOTHING RETURNING key";

inline constexpr const char* settle_orders = PAY_SETTLE("payment_order",
                                                        "payment_order_id");
inline constexpr const char* settle_refunds = PAY_SETTLE("refund", "refund_id");
inline constexpr const char* settle_payouts = PAY_SETTLE("payout", "payout_id");

// What earlier runs booked for the day ($1), per currency and account:
// their settlement transactions are referenced "<date>:<CUR>:<run>".
inline constexpr const char* booked_for_day =
  "SELECT e.currency, e.account, sum(e.amount_minor)::bigint"
  "  FROM ledger_transaction t"
  "  JOIN ledger_entry e ON e.transaction_id = t.id"
  " WHERE t.kind = 'settlement' AND t.reference LIKE $1 || ':%'"
  " GROUP BY e.currency, e.account";

// $1 run, $2 the report; the counts are read from the report.
inline constexpr const char* update_report =
  "UPDATE reconciliation_run SET report = $2::jsonb, finished_at = now(),"
  "       new_exceptions = ($2::jsonb ->> 'new_exceptions')::integer,"
  "       new_ledger_transactions ="
  "         ($2::jsonb ->> 'new_ledger_transactions')::integer"
  " WHERE run_id = $1";

// $1 date, $2 report, $3 error. Returns the run id.
inline constexpr const char* insert_failed_run =
  "INSERT INTO reconciliation_run (settled_date, status, report, error,"
  "  finished_at) VALUES ($1::date, 'failed', $2::jsonb, $3, now())"
  " RETURNING run_id";

// --- admin reads and the resolution of an exception -----------------------
// $1 date ('' = any), $2 limit; newest first.
inline constexpr const char* list_runs =
  "SELECT run_id, settled_date::text, status, report::text,"
  "       coalesce(error, '')"
  "  FROM reconciliation_run"
  " WHERE ($1 = '' OR settled_date = nullif($1, '')::date)"
  " ORDER BY run_id DESC LIMIT $2";

// Filters $1 status, $2 date, $3 route ('' = any); $4 limit.
inline constexpr const char* list_exceptions = PAY_EXCEPTION_SELECT
  " WHERE ($1 = '' OR status = $1)"
  "   AND ($2 = '' OR settled_date = nullif($2, '')::date)"
  "   AND ($3 = '' OR route = $3)"
  " ORDER BY exception_id LIMIT $4";

// Only an open one; resolving twice keeps the first resolution.
inline constexpr const char* resolve_exception =
  "UPDATE reconciliation_exception SET status = 'resolved',"
  "       resolution = $2, resolved_at = now()"
  " WHERE exception_id = $1 AND status = 'open'";

inline constexpr const char* select_exception = PAY_EXCEPTION_SELECT
  " WHERE exception_id = $1";

}  // namespace pay::persistence::sql::reconcile

#undef PAY_CHARGE_SELECT
#undef PAY_EXCEPTION_SELECT
#undef PAY_SETTLE
