#pragma once
// Every statement of the pay-out store (persistence/payout/payout_sql.cpp):
// pay-outs, their history, the release of sellers' credits, fulfilment and
// the wallet split. The ledger and wallet changes of a pay-out are ledger's
// (persistence/ledger/statements.hpp).

// A timestamp column as RFC 3339 UTC with microseconds.
#define PAY_TS(col) \
  "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"

// Every read of a pay-out returns these columns, in this order (to_payout in
// payout_sql.cpp reads them by position).
#define PAY_PAYOUT_COLUMNS                                             \
  "payout_id, seller_account, coalesce(stripe_account, ''), currency," \
  " amount_minor, status::text, coalesce(psp_reference, ''),"          \
  " coalesce(transfer_reference, ''), coalesce(failure_code, ''),"     \
  " coalesce(failure_message, ''), attempts, version, " PAY_TS(        \
    "created_at") ", " PAY_TS("updated_at")

namespace pay::persistence::sql::payout {

// FOR UPDATE: every change of a pay-out reads it under its row lock first,
// so the (status, version) it checks is the one it changes.
inline constexpr const char* lock_payout =
  "SELECT " PAY_PAYOUT_COLUMNS " FROM payout WHERE payout_id = $1 FOR UPDATE";

inline constexpr const char* select_payout =
  "SELECT " PAY_PAYOUT_COLUMNS " FROM payout WHERE payout_id = $1";

// Filters: $1 seller ('' = any), $2 statuses (empty = any). Newest first; $3 limit.
inline constexpr const char* select_payouts =
  "SELECT " PAY_PAYOUT_COLUMNS
  " FROM payout WHERE ($1 = '' OR seller_account = $1)"
  "   AND (cardinality($2::text[]) = 0 OR status::text = ANY($2::text[]))"
  " ORDER BY created_at DESC, payout_id LIMIT $3";

// Not final yet: what the service drives after a restart (in a cluster,
// the node's own).
inline constexpr const char* select_open_payouts =
  "SELECT " PAY_PAYOUT_COLUMNS
  " FROM payout WHERE status NOT IN ('PAID', 'FAILED')"
  "   AND pay_owned_here(owner_node, owner_epoch)"
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
// stays the pay-out's reason once it is FAILED). Run under the row lock,
// once the caller checked the move.
inline constexpr const char* advance_payout =
  "UPDATE payout SET status = $2::payout_status, version = version + 1,"
  " psp_reference = coalesce(nullif($3, ''), psp_reference),"
  " transfer_reference = coalesce(nullif($6, ''), transfer_reference),"
  " failure_code = coalesce(nullif($4, ''), failure_code),"
  " failure_message = coalesce(nullif($5, ''), failure_message),"
  " next_attempt_at = NULL, updated_at = now()"
  " WHERE payout_id = $1";

inline constexpr const char* count_attempt =
  "UPDATE payout SET attempts = attempts + 1, version = version + 1,"
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

}  // namespace pay::persistence::sql::payout

#undef PAY_PAYOUT_COLUMNS
#undef PAY_TS
