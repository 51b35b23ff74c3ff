#pragma once
// Every statement of the reconciler (persistence/reconcile/
// reconciliation_sql.cpp): our side of a settlement file, the plan applied,
// the runs and exceptions. The day's settlement transactions are written by
// ledger (persistence/ledger/statements.hpp); this file only reads them.

// Our charges as to_charge in reconciliation_sql.cpp reads them (the
// session's time zone is UTC: a day is a UTC day).
#define PAY_CHARGE_SELECT                                                   \
  "SELECT payment_order_id, coalesce(psp_reference, ''), seller_account,"   \
  "       amount_minor, currency, status::text,"                            \
  " coalesce(settled_on::text, ''), coalesce(succeeded_at::date::text, '')" \
  "  FROM payment_order "

// Exceptions as to_exception_view in reconciliation_sql.cpp reads them.
#define PAY_EXCEPTION_SELECT                                                \
  "SELECT exception_id, settled_date::text, kind, route,"                   \
  "       coalesce(psp_reference, ''), coalesce(our_id, ''), ours::text,"   \
  "       theirs::text, message, status, coalesce(resolution, ''),"         \
  "       to_char(created_at AT TIME ZONE 'UTC',"                           \
  " 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'),"                                  \
  "       coalesce(to_char(resolved_at AT TIME ZONE 'UTC',"                 \
  "                        'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), ''),"      \
  "       policy_case, suspense_minor, coalesce(suspense_currency, ''),"    \
  "       coalesce(correction_transaction_id, 0),"                          \
  "       coalesce(correction_account, ''), coalesce(correction_minor, 0)," \
  "       (extract(epoch FROM created_at) * 1000000)::bigint"               \
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

// Held until commit by whatever changes a day's books: its run, the
// resolution of one of its exceptions, a follow-up. Runs of one day on
// several nodes, and a resolution during a run, so take turns: a run reads
// which lines finance corrected and books the rest, never both at once.
// $1 the day.
inline constexpr const char* lock_day =
  "SELECT pg_advisory_xact_lock(hashtextextended('pay.reconcile:' || $1, 0))";

// $1 the file's PSP references.
inline constexpr const char* charges_by_reference = PAY_CHARGE_SELECT
  "WHERE psp_reference = ANY($1::text[])";

// $1 our order ids, for lines whose reference found nothing.
inline constexpr const char* charges_by_id = PAY_CHARGE_SELECT
  "WHERE payment_order_id = ANY($1::text[])";

// The successes the day's ($1) file should list: the day's, less its last
// $2 seconds, plus the last $2 seconds of the day before (a charge near
// midnight may be on either day's lines: domain::missing_charge_grace_s).
inline constexpr const char* charges_succeeded_on = PAY_CHARGE_SELECT
  "WHERE status = 'SUCCESS'"
  "   AND succeeded_at >= $1::date - $2 * interval '1 second'"
  "   AND succeeded_at < $1::date + 1 - $2 * interval '1 second'";

// Keys of the day's ($1) exceptions whose resolution moved their money out
// of suspense: those lines stay there (domain::books::corrected_lines).
inline constexpr const char* corrected_keys =
  "SELECT key FROM reconciliation_exception"
  " WHERE settled_date = $1::date AND correction_transaction_id IS NOT NULL";

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

// The day's ($1) exceptions, parallel arrays $2..$12 (key, kind, route,
// policy case, reference, our id, ours JSON, theirs JSON, message, what the
// line posts to suspense, its currency), first seen by run $13.
// Auto-corrected discrepancies are recorded already resolved: finance sees
// what was done, nobody has to act. One already known (same day and key)
// keeps everything but, while open, what its line holds in suspense now.
// Returns each key and whether it is new.
inline constexpr const char* upsert_exceptions =
  "INSERT INTO reconciliation_exception (settled_date, key, kind, route,"
  "  policy_case, psp_reference, our_id, ours, theirs, message, status,"
  "  resolution, first_run_id, resolved_at, suspense_minor,"
  "  suspense_currency)"
  " SELECT $1::date, e.key, e.kind, e.route, e.policy_case,"
  "        nullif(e.reference, ''), nullif(e.our_id, ''), e.ours::jsonb,"
  "        e.theirs::jsonb, e.message,"
  "        CASE WHEN e.route = 'auto_corrected' THEN 'resolved'"
  " ELSE 'open' END,"
  "        CASE WHEN e.route = 'auto_corrected'"
  "             THEN 'auto-corrected by the reconciler' END,"
  "        $13,"
  "        CASE WHEN e.route = 'auto_corrected' THEN now() END,"
  "        e.suspense, nullif(e.currency, '')"
  "   FROM unnest($2::text[], $3::text[], $4::text[], $5::text[],"
  "               $6::text[], $7::text[], $8::text[], $9::text[],"
  "               $10::text[], $11::bigint[], $12::text[])"
  "        AS e(key, kind, route, policy_case, reference, our_id, ours,"
  "             theirs, message, suspense, currency)"
  " ON CONFLICT (settled_date, key) DO UPDATE"
  "   SET suspense_minor = excluded.suspense_minor,"
  "       suspense_currency = excluded.suspense_currency"
  " WHERE reconciliation_exception.status = 'open'"
  "   AND (reconciliation_exception.suspense_minor,"
  "        reconciliation_exception.suspense_currency)"
  "       IS DISTINCT FROM (excluded.suspense_minor,"
  "                         excluded.suspense_currency)"
  " RETURNING key, xmax = 0";

// The day's ($1) open exceptions this run no longer reports ($2 the keys it
// does): its booking took their lines out of suspense (or the lines are
// gone), so they hold nothing there now.
inline constexpr const char* release_unreported =
  "UPDATE reconciliation_exception SET suspense_minor = 0"
  " WHERE settled_date = $1::date AND status = 'open'"
  "   AND suspense_minor <> 0 AND key <> ALL($2::text[])";

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
// $1 date ('' = any), $2 cursor time (us since epoch, -1 = none), $3 cursor
// run id, $4 limit; newest first. The last column is the cursor time.
inline constexpr const char* list_runs =
  "SELECT run_id, settled_date::text, status, report::text,"
  "       coalesce(error, ''),"
  "       (extract(epoch FROM started_at) * 1000000)::bigint"
  "  FROM reconciliation_run"
  " WHERE ($1 = '' OR settled_date = nullif($1, '')::date)"
  "   AND ($2::bigint < 0 OR (started_at, run_id)"
  "        < (timestamptz 'epoch' + $2::bigint * interval '1 microsecond',"
  "           $3::bigint))"
  " ORDER BY started_at DESC, run_id DESC LIMIT $4";

// Filters $1 status, $2 date, $3 route ('' = any); $4 cursor time (-1 =
// none), $5 cursor id, $6 limit; oldest first.
inline constexpr const char* list_exceptions = PAY_EXCEPTION_SELECT
  " WHERE ($1 = '' OR status = $1)"
  "   AND ($2 = '' OR settled_date = nullif($2, '')::date)"
  "   AND ($3 = '' OR route = $3)"
  "   AND ($4::bigint < 0 OR (created_at, exception_id)"
  "        > (timestamptz 'epoch' + $4::bigint * interval '1 microsecond',"
  "           $5::bigint))"
  " ORDER BY created_at, exception_id LIMIT $6";

inline constexpr const char* select_exception = PAY_EXCEPTION_SELECT
  " WHERE exception_id = $1";

inline constexpr const char* lock_exception = PAY_EXCEPTION_SELECT
  " WHERE exception_id = $1 FOR UPDATE";

// The seller of our order $1 (a status_mismatch of a FAILED order may be
// corrected to its seller's payable).
inline constexpr const char* order_seller =
  "SELECT seller_account FROM payment_order WHERE payment_order_id = $1";

// The correcting entry of exception $1 (written by ledger's
// append_transaction under kind 'suspense_correction').
inline constexpr const char* correction_transaction =
  "SELECT id FROM ledger_transaction"
  " WHERE kind = 'suspense_correction' AND reference = $1";

// $1 exception, $2 reason, $3 correcting transaction (NULL: none), $4
// target account, $5 the target's posting. One resolved before corrections
// existed keeps its reason and time and gains its correction.
inline constexpr const char* resolve_exception =
  "UPDATE reconciliation_exception SET status = 'resolved',"
  "       resolution = coalesce(resolution, $2),"
  "       resolved_at = coalesce(resolved_at, now()),"
  "       correction_transaction_id = $3, correction_account = $4,"
  "       correction_minor = $5"
  " WHERE exception_id = $1";

// --- the follow-up of exceptions whose order waited on the PSP -----------
// Open ones whose order is final now, oldest first.
inline constexpr const char* follow_up_candidates =
  "SELECT e.exception_id FROM reconciliation_exception e"
  "  JOIN payment_order o ON o.payment_order_id = e.our_id"
  " WHERE e.status = 'open'"
  "   AND e.policy_case = 'status_mismatch_order_unfinished'"
  "   AND o.status IN ('SUCCESS', 'FAILED')"
  " ORDER BY e.exception_id LIMIT $1";

// The order of exception $1 (locked by the caller): its status, and whether
// its pay-in is booked.
inline constexpr const char* follow_up_order =
  "SELECT o.status::text, o.wallet_updated AND o.ledger_updated"
  "  FROM payment_order o WHERE o.payment_order_id = $1";

// The order succeeded after the PSP settled it: settled on the exception's
// day ($2), as a clean line would have had it.
inline constexpr const char* settle_order_on =
  "UPDATE payment_order SET settled_on = $2::date"
  " WHERE payment_order_id = $1 AND settled_on IS NULL";

// $1 exception: its order succeeded, the correction moved the money to the
// receivable; $2 the resolution.
inline constexpr const char* auto_resolve_exception =
  "UPDATE reconciliation_exception SET status = 'resolved',"
  "       route = 'auto_corrected', resolution = $2, resolved_at = now(),"
  "       correction_transaction_id = $3, correction_account = $4,"
  "       correction_minor = $5"
  " WHERE exception_id = $1";

// $1 exception: its order failed after the PSP settled it; $2 appended to
// its message.
inline constexpr const char* escalate_exception =
  "UPDATE reconciliation_exception SET route = 'escalated',"
  "       policy_case = 'status_mismatch_order_failed',"
  "       message = message || ' ' || $2"
  " WHERE exception_id = $1";

}  // namespace pay::persistence::sql::reconcile

#undef PAY_CHARGE_SELECT
#undef PAY_EXCEPTION_SELECT
#undef PAY_SETTLE
