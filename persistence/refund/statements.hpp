#pragma once
// Every statement of the refund store (persistence/refund/refund_sql.cpp),
// run in its db_session's transactions. The ledger and wallet changes of a
// refund are ledger's (persistence/ledger/statements.hpp).

// A timestamp column as RFC 3339 UTC with microseconds.
#define PAY_TS(col) \
  "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"

// Every read of a refund returns these columns, in this order (work_of in
// refund_sql.cpp reads them by position), the order's PSP reference (the
// payment intent to refund), the request hash and the creation time in unix
// seconds; then the age of the first attempt of the retry budget in ms (-1:
// none), maybe_refunded, whether an open dead letter parks it, and the
// creation time in microseconds (the listing's cursor).
#define PAY_REFUND_SELECT \
  "SELECT r.refund_id, r.payment_order_id, r.seller_account, r.currency,"     \
  " r.amount_minor, r.reason, r.status::text, coalesce(r.psp_reference, '')," \
  " coalesce(r.failure_code, ''), coalesce(r.failure_message, ''),"           \
  " " PAY_TS("r.created_at") ", " PAY_TS("r.updated_at") ","                  \
  " r.version, r.attempts, coalesce(o.psp_reference, ''), r.request_hash,"    \
  " extract(epoch FROM r.created_at)::bigint,"                                \
  " coalesce((extract(epoch FROM now() - r.first_attempt_at) * 1000)"         \
  "          ::bigint, -1),"                                                  \
  " r.maybe_refunded,"                                                        \
  " EXISTS (SELECT 1 FROM refund_dead_letter d"                               \
  "          WHERE d.refund_id = r.refund_id AND d.status = 'open'),"         \
  " (extract(epoch FROM r.created_at) * 1000000)::bigint"                     \
  " FROM refund r JOIN payment_order o"                                       \
  " ON o.payment_order_id = r.payment_order_id "

// A dead letter as dead_letter_of in refund_sql.cpp reads it, with its
// refund (d and r).
#define PAY_REFUND_DEAD_LETTER_SELECT \
  "SELECT d.refund_id, r.payment_order_id, r.currency, r.amount_minor,"       \
  " r.status::text, d.reason, coalesce(d.last_error, ''), d.attempts,"        \
  " r.maybe_refunded, d.status, coalesce(d.resolution, ''), "                 \
  PAY_TS("d.first_seen_at") ", " PAY_TS("d.last_seen_at") ","                 \
  " (extract(epoch FROM d.last_seen_at) * 1000000)::bigint"                   \
  " FROM refund_dead_letter d JOIN refund r ON r.refund_id = d.refund_id "

namespace pay::persistence::sql::refund {

// $1 idempotency key.
inline constexpr const char* select_refund_by_key = PAY_REFUND_SELECT
  "WHERE r.idempotency_key = $1";

// $1 refund id.
inline constexpr const char* select_refund = PAY_REFUND_SELECT
  "WHERE r.refund_id = $1";

// $1 payment order id; oldest first.
inline constexpr const char* select_order_refunds = PAY_REFUND_SELECT
  "WHERE r.payment_order_id = $1 ORDER BY r.created_at, r.refund_id";

// Unfinished refunds this node drives (all of them alone; in a cluster
// its own), oldest first; $1 limit. A parked one waits for an operator.
inline constexpr const char* select_open_refunds = PAY_REFUND_SELECT
  "WHERE r.status NOT IN ('SUCCEEDED', 'FAILED')"
  "  AND pay_owned_here(r.owner_node, r.owner_epoch)"
  "  AND NOT EXISTS (SELECT 1 FROM refund_dead_letter d"
  "                   WHERE d.refund_id = r.refund_id AND d.status = 'open')"
  " ORDER BY r.created_at, r.refund_id LIMIT $1";

// Every refund, newest first: $1 status ('' = any), $2 cursor time (us
// since epoch, -1 = none), $3 cursor id, $4 limit.
inline constexpr const char* select_refunds_page = PAY_REFUND_SELECT
  "WHERE ($1 = '' OR r.status::text = $1)"
  "  AND ($2::bigint < 0 OR (r.created_at, r.refund_id)"
  "       < (timestamptz 'epoch' + $2::bigint * interval '1 microsecond',"
  "          $3))"
  " ORDER BY r.created_at DESC, r.refund_id DESC LIMIT $4";

// FOR UPDATE: the lock that serialises every refund of this order. The
// check of what is left to refund and the insert of the refund hold it
// until commit, so concurrent refunds never exceed what the order captured.
// `booked`: its wallet credit and ledger entry are written and the PSP gave
// a reference to refund against (money we hold and have booked).
inline constexpr const char* lock_order =
  "SELECT status::text,"
  "       wallet_updated AND ledger_updated AND psp_reference IS NOT NULL"
  "         AS booked,"
  "       seller_account, currency, amount_minor"
  "  FROM payment_order WHERE payment_order_id = $1 FOR UPDATE";

// What the order's refunds take already: every one not FAILED, decided or
// not.
inline constexpr const char* refunded_minor =
  "SELECT coalesce(sum(amount_minor), 0) FROM refund"
  " WHERE payment_order_id = $1 AND status <> 'FAILED'";

// $1 order, $2 seller, $3 currency, $4 amount, $5 reason, $6 idempotency
// key, $7 request hash. Nothing when the key was taken meanwhile (by a
// refund of another order: the caller then answers with that one).
inline constexpr const char* insert_refund =
  "INSERT INTO refund (refund_id, payment_order_id, seller_account,"
  "  currency, amount_minor, reason, idempotency_key, request_hash)"
  " VALUES ('rf_' || replace(gen_random_uuid()::text, '-', ''), $1, $2,"
  "  $3, $4, $5, $6, $7)"
  " ON CONFLICT (idempotency_key) DO NOTHING RETURNING refund_id";

// Every row of a refund's history. $1 refund, $2 from (NULL when created),
// $3 to, $4 event, $5 attempt, $6 outcome, $7 error (both may be NULL),
// $8 correlation id.
inline constexpr const char* insert_history =
  "INSERT INTO refund_history (refund_id, from_status, to_status, event,"
  "  attempt, outcome, error, correlation_id)"
  " VALUES ($1, $2::refund_status, $3::refund_status, $4, $5, $6, $7, $8)";

inline constexpr const char* order_exists =
  "SELECT 1 FROM payment_order WHERE payment_order_id = $1";

// One more PSP call that decided nothing, only while not final; $2 the
// delay before the next one, in ms; $3 whether it may have refunded at the
// PSP. The first one starts the retry budget's clock. Returns the attempts
// counted so far and the status the refund stays in.
inline constexpr const char* count_attempt =
  "UPDATE refund SET attempts = attempts + 1, updated_at = now(),"
  "  next_attempt_at = now() + make_interval(secs => $2::double precision"
  "                                                  / 1000),"
  "  first_attempt_at = coalesce(first_attempt_at, now()),"
  "  maybe_refunded = maybe_refunded OR $3"
  " WHERE refund_id = $1 AND status NOT IN ('SUCCEEDED', 'FAILED')"
  " RETURNING attempts, status::text";

// Compare-and-set $7 -> $3 on (status, version $2): a replay or a second
// actor finds the version moved and applies nothing. $4 PSP reference ('' =
// keep the stored one: a pending refund's id stays), $5/$6 failure code and
// message ('' = none). Returns what the booking of a success needs, and the
// attempts.
inline constexpr const char* move_refund =
  "UPDATE refund SET status = $3::refund_status, version = version + 1,"
  "  psp_reference = coalesce(nullif($4, ''), psp_reference),"
  "  failure_code = nullif($5, ''), failure_message = nullif($6, ''),"
  "  next_attempt_at = NULL, updated_at = now()"
  " WHERE refund_id = $1 AND status = $7::refund_status AND version = $2"
  " RETURNING seller_account, currency, amount_minor, attempts";

// --- the dead-letter queue -----------------------------------------------
// Parks refund $1 (not final) with reason $2, last error $3; $4 whether a
// call may have been in flight (a crash loop). Reopens an entry requeued or
// resolved before, keeping when it was first seen; one open already is left
// as it is. Returns the attempts parked with, when parked now.
inline constexpr const char* park =
  "WITH flag AS (UPDATE refund SET maybe_refunded = maybe_refunded OR $4"
  "               WHERE refund_id = $1"
  "                 AND status NOT IN ('SUCCEEDED', 'FAILED')"
  "               RETURNING refund_id, attempts)"
  " INSERT INTO refund_dead_letter AS d (refund_id, reason, last_error,"
  "   attempts)"
  " SELECT refund_id, $2, nullif($3, ''), attempts FROM flag"
  " ON CONFLICT (refund_id) DO UPDATE"
  "  SET reason = excluded.reason, last_error = excluded.last_error,"
  "      attempts = excluded.attempts, status = 'open', resolution = NULL,"
  "      last_seen_at = now()"
  "  WHERE d.status <> 'open'"
  " RETURNING d.attempts";

// $1 status ('' = any), $2 cursor time (us, -1 = none), $3 cursor id, $4
// limit; the most recently changed first.
inline constexpr const char* select_dead_letters = PAY_REFUND_DEAD_LETTER_SELECT
  "WHERE ($1 = '' OR d.status = $1)"
  "  AND ($2::bigint < 0 OR (d.last_seen_at, d.refund_id)"
  "       < (timestamptz 'epoch' + $2::bigint * interval '1 microsecond',"
  "          $3))"
  " ORDER BY d.last_seen_at DESC, d.refund_id DESC LIMIT $4";

inline constexpr const char* select_dead_letter = PAY_REFUND_DEAD_LETTER_SELECT
  "WHERE d.refund_id = $1";

// FOR UPDATE: two operators cannot both act on one entry.
inline constexpr const char* lock_dead_letter = PAY_REFUND_DEAD_LETTER_SELECT
  "WHERE d.refund_id = $1 FOR UPDATE OF d";

inline constexpr const char* requeue_dead_letter =
  "UPDATE refund_dead_letter SET status = 'requeued', last_seen_at = now()"
  " WHERE refund_id = $1 AND status = 'open'";

// A fresh retry budget, and this node's to drive (pay_writer_*: NULL alone);
// maybe_refunded stays, a fact about the past. Returns the status.
inline constexpr const char* renew_budget =
  "UPDATE refund SET attempts = 0, first_attempt_at = NULL,"
  "  next_attempt_at = NULL, owner_node = pay_writer_node(),"
  "  owner_epoch = pay_writer_epoch(), updated_at = now()"
  " WHERE refund_id = $1 RETURNING status::text, attempts";

// $2 the operator's reason.
inline constexpr const char* close_dead_letter =
  "UPDATE refund_dead_letter SET status = 'resolved', resolution = $2,"
  "  last_seen_at = now() WHERE refund_id = $1 AND status = 'open'";

}  // namespace pay::persistence::sql::refund

#undef PAY_REFUND_SELECT
#undef PAY_REFUND_DEAD_LETTER_SELECT
#undef PAY_TS
