#pragma once
// Every statement of the pay-out store (persistence/payout/payout_sql.cpp):
// pay-outs, their history, the release of sellers' credits, fulfilment and
// the wallet split. The ledger and wallet changes of a pay-out are ledger's
// (persistence/ledger/statements.hpp).

// A timestamp column as RFC 3339 UTC with microseconds.
#define PAY_TS(col) \
  "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"

// Every read of a pay-out returns these columns, in this order (to_payout in
// payout_sql.cpp reads them by position): the row, then the retry budget of
// its step (the first attempt's age in ms, -1: none), maybe_paid_out,
// whether an open dead letter parks it, and the creation time in
// microseconds (the listing's cursor).
#define PAY_PAYOUT_COLUMNS \
  "payout_id, seller_account, coalesce(stripe_account, ''), currency,"        \
  " amount_minor, status::text, coalesce(psp_reference, ''),"                 \
  " coalesce(transfer_reference, ''), coalesce(failure_code, ''),"            \
  " coalesce(failure_message, ''), attempts, version, " PAY_TS(               \
    "created_at") ", " PAY_TS("updated_at") ", step_attempts,"                \
  " coalesce((extract(epoch FROM now() - first_attempt_at) * 1000)::bigint,"  \
  "          -1),"                                                            \
  " maybe_paid_out,"                                                          \
  " EXISTS (SELECT 1 FROM payout_dead_letter d"                               \
  "          WHERE d.payout_id = payout.payout_id AND d.status = 'open'),"    \
  " (extract(epoch FROM created_at) * 1000000)::bigint"

// A dead letter as dead_letter_of in payout_sql.cpp reads it, with its
// pay-out (d and p).
#define PAY_PAYOUT_DEAD_LETTER_SELECT \
  "SELECT d.payout_id, p.seller_account, p.currency, p.amount_minor,"         \
  " p.status::text, d.reason, coalesce(d.last_error, ''), d.attempts,"        \
  " p.maybe_paid_out, d.status, coalesce(d.resolution, ''), "                 \
  PAY_TS("d.first_seen_at") ", " PAY_TS("d.last_seen_at") ","                 \
  " (extract(epoch FROM d.last_seen_at) * 1000000)::bigint"                   \
  " FROM payout_dead_letter d JOIN payout p ON p.payout_id = d.payout_id "

namespace pay::persistence::sql::payout {

// FOR UPDATE: every change of a pay-out reads it under its row lock first,
// so the (status, version) it checks is the one it changes.
inline constexpr const char* lock_payout =
  "SELECT " PAY_PAYOUT_COLUMNS " FROM payout WHERE payout_id = $1 FOR UPDATE";

inline constexpr const char* select_payout =
  "SELECT " PAY_PAYOUT_COLUMNS " FROM payout WHERE payout_id = $1";

// Filters: $1 seller ('' = any), $2 statuses (empty = any); $3 cursor
// time (us since epoch, -1 = none), $4 cursor id. Newest first; $5 limit.
inline constexpr const char* select_payouts =
  "SELECT " PAY_PAYOUT_COLUMNS
  " FROM payout WHERE ($1 = '' OR seller_account = $1)"
  "   AND (cardinality($2::text[]) = 0 OR status::text = ANY($2::text[]))"
  "   AND ($3::bigint < 0 OR (created_at, payout_id)"
  "        < (timestamptz 'epoch' + $3::bigint * interval '1 microsecond',"
  "           $4))"
  " ORDER BY created_at DESC, payout_id DESC LIMIT $5";

// Not final yet: what the service drives after a restart (in a cluster,
// the node's own). A parked one waits for an operator.
inline constexpr const char* select_open_payouts =
  "SELECT " PAY_PAYOUT_COLUMNS
  " FROM payout WHERE status NOT IN ('PAID', 'FAILED')"
  "   AND pay_owned_here(owner_node, owner_epoch)"
  "   AND NOT EXISTS (SELECT 1 FROM payout_dead_letter d"
  "                    WHERE d.payout_id = payout.payout_id"
  "                      AND d.status = 'open')"
  " ORDER BY created_at";

// $1 pay-out, $2 from ('' when created), $3 to, $4 event, $5 attempt,
// $6 outcome, $7 error, $8 correlation id ('' = NULL for those three).
inline constexpr const char* insert_history =
  "INSERT INTO payout_history (payout_id, from_status, to_status, event,"
  " attempt, outcome, error, correlation_id)"
  " VALUES ($1, nullif($2, '')::payout_status, $3::payout_status, $4, $5,"
  " nullif($6, ''), nullif($7, ''), nullif($8, ''))";

inline constexpr const char* select_history =
  "SELECT seq, " PAY_TS("at") ", coalesce(from_status::text, ''),"
  " to_status::text, event, attempt, coalesce(outcome, ''),"
  " coalesce(error, ''), coalesce(correlation_id, '')"
  " FROM payout_history WHERE payout_id = $1 ORDER BY seq";

// The seller's ($1) unreleased credits, in currency $2 ('' = all), with the
// facts the release rule needs (refunded so far, fulfilled, settled,
// seconds since success), measured by the database's clock.
inline constexpr const char* unreleased_credits =
  "SELECT wc.currency, wc.payment_order_id, wc.amount_minor,"
  "  coalesce((SELECT sum(r.amount_minor) FROM refund r"
  "            WHERE r.payment_order_id = wc.payment_order_id"
  "              AND r.status = 'SUCCEEDED'), 0)::bigint,"
  "  po.fulfilled_at IS NOT NULL, po.settled_on IS NOT NULL,"
  "  floor(extract(epoch FROM now()"
  "        - coalesce(po.succeeded_at, wc.created_at)))::bigint"
  " FROM wallet_credit wc"
  " JOIN payment_order po ON po.payment_order_id = wc.payment_order_id"
  " WHERE wc.seller_account = $1 AND wc.released_at IS NULL"
  "   AND ($2 = '' OR wc.currency = $2)";

// (seller, currency) pairs a run looks at: a balance of at least $1, or
// credits not released yet.
inline constexpr const char* payout_candidates =
  "SELECT seller_account, currency FROM wallet WHERE balance_minor >= $1"
  " UNION"
  " SELECT DISTINCT seller_account, currency FROM wallet_credit"
  "  WHERE released_at IS NULL"
  " ORDER BY 1, 2";

// Stamps the credits ($1 order ids) the release rule let go; run under the
// wallet row's lock (sql::ledger::lock_wallet).
inline constexpr const char* release_credits =
  "UPDATE wallet_credit SET released_at = now()"
  " WHERE payment_order_id = ANY($1::text[]) AND released_at IS NULL";

// $1 seller, $2 connected account, $3 currency, $4 amount. Returns the new
// id.
inline constexpr const char* insert_payout =
  "INSERT INTO payout (payout_id, seller_account, stripe_account, currency,"
  " amount_minor)"
  " VALUES ('pyo_' || replace(gen_random_uuid()::text, '-', ''), $1, $2, $3,"
  " $4) RETURNING payout_id";

// The seller's ($1) connected account, if any.
inline constexpr const char* select_connected_account =
  "SELECT seller_account, stripe_account, " PAY_TS(
    "created_at") " FROM connected_account WHERE seller_account = $1";

// $1 seller, $2 acct_...: nothing returned when either is linked already.
inline constexpr const char* insert_connected_account =
  "INSERT INTO connected_account (seller_account, stripe_account)"
  " VALUES ($1, $2) ON CONFLICT DO NOTHING"
  " RETURNING seller_account, stripe_account, " PAY_TS("created_at");

// $2 to, $3 pay-out and $6 transfer reference, $4/$5 failure code and
// message ('' keeps the one known: the failure that started a reversal
// stays the pay-out's reason once it is FAILED). The next step gets a
// retry budget of its own. Run under the row lock, once the caller checked
// the move.
inline constexpr const char* advance_payout =
  "UPDATE payout SET status = $2::payout_status, version = version + 1,"
  " psp_reference = coalesce(nullif($3, ''), psp_reference),"
  " transfer_reference = coalesce(nullif($6, ''), transfer_reference),"
  " failure_code = coalesce(nullif($4, ''), failure_code),"
  " failure_message = coalesce(nullif($5, ''), failure_message),"
  " step_attempts = 0, first_attempt_at = NULL,"
  " next_attempt_at = NULL, updated_at = now()"
  " WHERE payout_id = $1";

// One more call that decided nothing; the first of the step starts its
// budget's clock; $2 whether it may have moved money.
inline constexpr const char* count_attempt =
  "UPDATE payout SET attempts = attempts + 1, version = version + 1,"
  " step_attempts = step_attempts + 1,"
  " first_attempt_at = coalesce(first_attempt_at, now()),"
  " maybe_paid_out = maybe_paid_out OR $2,"
  " updated_at = now() WHERE payout_id = $1";

// The pay-out's connected account ('' for one made before Connect).
inline constexpr const char* payout_account =
  "SELECT coalesce(stripe_account, '') FROM payout WHERE payout_id = $1";

// The shared webhook_event table: nothing returned for an event id seen
// before.
inline constexpr const char* record_webhook_event =
  "INSERT INTO webhook_event (event_id, type) VALUES ($1, $2)"
  " ON CONFLICT DO NOTHING RETURNING event_id";

// FOR UPDATE: two fulfilments of one order at once see each other, the
// second finds it fulfilled.
inline constexpr const char* lock_order_fulfilment =
  "SELECT status::text, fulfilled_at IS NOT NULL,"
  " coalesce(" PAY_TS("fulfilled_at") ", '')"
  " FROM payment_order WHERE payment_order_id = $1 FOR UPDATE";

inline constexpr const char* fulfil_order =
  "UPDATE payment_order SET fulfilled_at = now()"
  " WHERE payment_order_id = $1 RETURNING " PAY_TS("fulfilled_at");

// The seller's wallet balance per currency.
inline constexpr const char* wallet_balances =
  "SELECT currency, balance_minor FROM wallet WHERE seller_account = $1";

// Per currency: what is in transit (not PAID or FAILED yet) and what was
// paid.
inline constexpr const char* payout_sums =
  "SELECT currency,"
  " coalesce(sum(amount_minor) FILTER (WHERE status NOT IN ('PAID',"
  "   'FAILED')), 0)::bigint,"
  " coalesce(sum(amount_minor) FILTER (WHERE status = 'PAID'), 0)::bigint"
  " FROM payout WHERE seller_account = $1 GROUP BY currency";

// --- the dead-letter queue -----------------------------------------------
// Parks pay-out $1 (not final) with reason $2, last error $3; $4 whether a
// call may have been in flight (a crash loop). Reopens an entry requeued or
// resolved before, keeping when it was first seen; one open already is left
// as it is. Returns the step's attempts parked with, when parked now.
inline constexpr const char* park =
  "WITH flag AS (UPDATE payout SET maybe_paid_out = maybe_paid_out OR $4"
  "               WHERE payout_id = $1 AND status NOT IN ('PAID', 'FAILED')"
  "               RETURNING payout_id, step_attempts)"
  " INSERT INTO payout_dead_letter AS d (payout_id, reason, last_error,"
  "   attempts)"
  " SELECT payout_id, $2, nullif($3, ''), step_attempts FROM flag"
  " ON CONFLICT (payout_id) DO UPDATE"
  "  SET reason = excluded.reason, last_error = excluded.last_error,"
  "      attempts = excluded.attempts, status = 'open', resolution = NULL,"
  "      last_seen_at = now()"
  "  WHERE d.status <> 'open'"
  " RETURNING d.attempts";

// $1 status ('' = any), $2 cursor time (us, -1 = none), $3 cursor id, $4
// limit; the most recently changed first.
inline constexpr const char* select_dead_letters = PAY_PAYOUT_DEAD_LETTER_SELECT
  "WHERE ($1 = '' OR d.status = $1)"
  "  AND ($2::bigint < 0 OR (d.last_seen_at, d.payout_id)"
  "       < (timestamptz 'epoch' + $2::bigint * interval '1 microsecond',"
  "          $3))"
  " ORDER BY d.last_seen_at DESC, d.payout_id DESC LIMIT $4";

inline constexpr const char* select_dead_letter = PAY_PAYOUT_DEAD_LETTER_SELECT
  "WHERE d.payout_id = $1";

// FOR UPDATE: two operators cannot both act on one entry.
inline constexpr const char* lock_dead_letter = PAY_PAYOUT_DEAD_LETTER_SELECT
  "WHERE d.payout_id = $1 FOR UPDATE OF d";

inline constexpr const char* requeue_dead_letter =
  "UPDATE payout_dead_letter SET status = 'requeued', last_seen_at = now()"
  " WHERE payout_id = $1 AND status = 'open'";

// A fresh retry budget for the step, and this node's to drive
// (pay_writer_*: NULL alone); maybe_paid_out stays, a fact about the past.
inline constexpr const char* renew_budget =
  "UPDATE payout SET step_attempts = 0, first_attempt_at = NULL,"
  "  next_attempt_at = NULL, owner_node = pay_writer_node(),"
  "  owner_epoch = pay_writer_epoch(), updated_at = now()"
  " WHERE payout_id = $1";

// $2 the operator's reason.
inline constexpr const char* close_dead_letter =
  "UPDATE payout_dead_letter SET status = 'resolved', resolution = $2,"
  "  last_seen_at = now() WHERE payout_id = $1 AND status = 'open'";

}  // namespace pay::persistence::sql::payout

#undef PAY_PAYOUT_COLUMNS
#undef PAY_PAYOUT_DEAD_LETTER_SELECT
#undef PAY_TS
