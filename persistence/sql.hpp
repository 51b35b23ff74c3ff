#pragma once
// Every SQL statement paymentd runs, as named constants. Prepared statements
// are listed in `prepared_statements` and prepared once per connection.

namespace pay::persistence::sql {

// --- schema migrations ------------------------------------------------------
inline constexpr const char* migration_lock =
  "SELECT pg_advisory_lock(727274001)";
inline constexpr const char* migration_unlock =
  "SELECT pg_advisory_unlock(727274001)";
inline constexpr const char* create_schema_table =
  "CREATE TABLE IF NOT EXISTS schema_migrations ("
  " version integer PRIMARY KEY, name text NOT NULL,"
  " applied_at timestamptz NOT NULL DEFAULT now())";
inline constexpr const char* schema_table_exists =
  "SELECT to_regclass('schema_migrations') IS NOT NULL";
inline constexpr const char* schema_version =
  "SELECT max(version) FROM schema_migrations";
inline constexpr const char* record_migration =
  "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)";

// --- prepared statements ----------------------------------------------------
struct statement {
  const char* name;
  const char* text;
};

#define PAY_ORDER_COLUMNS                                                     \
  "payment_order_id, checkout_id, seller_account, amount_minor, currency, "  \
  "status::text, version, attempts, coalesce(psp_reference, ''), "           \
  "coalesce(failure_code, ''), coalesce(failure_message, ''), "              \
  "wallet_updated, ledger_updated, "                                         \
  "to_char(created_at AT TIME ZONE 'UTC', "                                  \
  "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), "                                   \
  "to_char(updated_at AT TIME ZONE 'UTC', "                                  \
  "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), "                                 \
  "psp_attempts, maybe_charged, "                                            \
  "coalesce((extract(epoch FROM now() - first_attempt_at) * 1000)::bigint, " \
  "-1), "                                                                    \
  "EXISTS (SELECT 1 FROM dead_letter d WHERE d.payment_order_id = "          \
  "payment_order.payment_order_id AND d.status = 'open'), "                  \
  "coalesce(psp_session_id, ''), coalesce(redirect_url, '')"

inline constexpr statement find_event_hash = {
  "find_event_hash",
  "SELECT request_hash FROM payment_event WHERE checkout_id = $1"};

// $1: text[] of payment_order_ids
inline constexpr statement find_orders_by_ids = {
  "find_orders_by_ids",
  "SELECT payment_order_id FROM payment_order"
  " WHERE payment_order_id = ANY($1::text[]) LIMIT 1"};

inline constexpr statement insert_event = {
  "insert_event",
  "INSERT INTO payment_event (checkout_id, buyer_info, psp_token,"
  " request_hash, return_url)"
  " VALUES ($1, $2::jsonb, nullif($3, ''), $4, nullif($5, ''))"};

// One statement for all of a checkout's orders: parallel arrays.
inline constexpr statement insert_orders = {
  "insert_orders",
  "INSERT INTO payment_order (payment_order_id, checkout_id, line_no,"
  " seller_account, amount_minor, currency)"
  " SELECT o.id, $1, (o.n - 1)::smallint, o.seller, o.amount, o.currency"
  "   FROM unnest($2::text[], $3::text[], $4::bigint[], $5::text[])"
  "        WITH ORDINALITY AS o(id, seller, amount, currency, n)"};

inline constexpr statement load_event = {
  "load_event",
  "SELECT is_payment_done, coalesce(psp_token, ''),"
  " to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'),"
  " coalesce(return_url, ''), coalesce(risk_verdict, ''),"
  " coalesce(risk_rules::text, ''), coalesce(review_status, '')"
  " FROM payment_event WHERE checkout_id = $1"};

inline constexpr statement load_orders_of_checkout = {
  "load_orders_of_checkout",
  "SELECT " PAY_ORDER_COLUMNS
  " FROM payment_order WHERE checkout_id = $1 ORDER BY line_no"};

inline constexpr statement load_order = {
  "load_order",
  "SELECT " PAY_ORDER_COLUMNS
  " FROM payment_order WHERE payment_order_id = $1"};

// Compare-and-set: $2 expected status, $4 expected version.
inline constexpr statement transition_order = {
  "transition_order",
  "UPDATE payment_order SET status = $3::payment_order_status,"
  " version = version + 1, attempts = attempts + $5,"
  " psp_reference = coalesce(nullif($6, ''), psp_reference),"
  " failure_code = nullif($7, ''), failure_message = nullif($8, ''),"
  " psp_session_id = coalesce(nullif($9, ''), psp_session_id),"
  " redirect_url = coalesce(nullif($10, ''), redirect_url),"
  " updated_at = now()"
  " WHERE payment_order_id = $1 AND status = $2::payment_order_status"
  "   AND version = $4"
  " RETURNING " PAY_ORDER_COLUMNS};

// The credit row's primary key makes this a no-op the second time; the flag
// records progress for recovery. Returns one row when credited now.
inline constexpr statement credit_wallet = {
  "credit_wallet",
  "WITH credit AS ("
  "  INSERT INTO wallet_credit (payment_order_id, seller_account, currency,"
  "   amount_minor) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING"
  "  RETURNING seller_account, currency, amount_minor),"
  " flag AS ("
  "  UPDATE payment_order SET wallet_updated = true, updated_at = now()"
  "   WHERE payment_order_id = $1 AND NOT wallet_updated)"
  " INSERT INTO wallet (seller_account, currency, balance_minor)"
  " SELECT seller_account, currency, amount_minor FROM credit"
  " ON CONFLICT (seller_account, currency) DO UPDATE"
  "  SET balance_minor = wallet.balance_minor + excluded.balance_minor,"
  "      updated_at = now()"
  " RETURNING 1"};

// $1 kind, $2 reference (also the order id whose flag is set),
// $3/$4/$5 parallel arrays of account, currency, amount.
inline constexpr statement write_ledger = {
  "write_ledger",
  "WITH tx AS ("
  "  INSERT INTO ledger_transaction (kind, reference) VALUES ($1, $2)"
  "  ON CONFLICT DO NOTHING RETURNING id),"
  " entries AS ("
  "  INSERT INTO ledger_entry (transaction_id, account, currency,"
  "   amount_minor)"
  "  SELECT tx.id, e.account, e.currency, e.amount"
  "    FROM tx, unnest($3::text[], $4::text[], $5::bigint[])"
  "         AS e(account, currency, amount)"
  "  RETURNING 1),"
  " flag AS ("
  "  UPDATE payment_order SET ledger_updated = true, updated_at = now()"
  "   WHERE payment_order_id = $2 AND NOT ledger_updated)"
  " SELECT id FROM tx"};

// The database checks "every order succeeded" itself, not only the caller.
inline constexpr statement mark_checkout_done = {
  "mark_checkout_done",
  "UPDATE payment_event SET is_payment_done = true, updated_at = now()"
  " WHERE checkout_id = $1 AND NOT is_payment_done"
  "   AND NOT EXISTS (SELECT 1 FROM payment_order"
  "                    WHERE checkout_id = $1 AND (status <> 'SUCCESS'"
  "                      OR NOT (wallet_updated AND ledger_updated)))"};

inline constexpr statement load_unfinished_checkouts = {
  "load_unfinished_checkouts",
  "(SELECT DISTINCT checkout_id FROM payment_order"
  "  WHERE (status IN ('NOT_STARTED', 'EXECUTING', 'PENDING')"
  "         AND NOT EXISTS (SELECT 1 FROM dead_letter d"
  "                          WHERE d.payment_order_id"
  "                                = payment_order.payment_order_id"
  "                            AND d.status = 'open'))"
  "     OR (status = 'SUCCESS' AND NOT (wallet_updated AND ledger_updated)))"
  " UNION"
  " (SELECT e.checkout_id FROM payment_event e"
  "   WHERE NOT e.is_payment_done"
  "     AND NOT EXISTS (SELECT 1 FROM payment_order o"
  "                      WHERE o.checkout_id = e.checkout_id"
  "                        AND o.status <> 'SUCCESS'))"
  " LIMIT $1"};

// $1 order, $2 from, $3 to, $4 event, $5 outcome, $6 error, $7 correlation.
inline constexpr statement insert_history = {
  "insert_history",
  "INSERT INTO payment_order_history (payment_order_id, from_status,"
  " to_status, event, attempt, outcome, error, correlation_id)"
  " SELECT $1, $2::payment_order_status, $3::payment_order_status, $4,"
  "        psp_attempts, nullif($5, ''), nullif($6, ''), nullif($7, '')"
  "   FROM payment_order WHERE payment_order_id = $1"};

// $1 order, $2 next attempt in ms, $3 maybe charged, $4 psp reference,
// $5 1 when the attempt spends budget. Refused for a dead-lettered order.
inline constexpr statement record_attempt = {
  "record_attempt",
  "UPDATE payment_order SET psp_attempts = psp_attempts + 1,"
  " first_attempt_at = coalesce(first_attempt_at, now()),"
  " next_attempt_at = now() + $2 * interval '1 millisecond',"
  " maybe_charged = maybe_charged OR $3,"
  " psp_reference = coalesce(nullif($4, ''), psp_reference),"
  " updated_at = now()"
  " WHERE payment_order_id = $1 AND status = 'EXECUTING'"
  "   AND NOT EXISTS (SELECT 1 FROM dead_letter d"
  "                    WHERE d.payment_order_id = $1 AND d.status = 'open')"
  " RETURNING status::text"};

#define PAY_DEAD_LETTER_COLUMNS                                              \
  "d.payment_order_id, o.checkout_id, d.reason, coalesce(d.last_error, ''), " \
  "d.attempts, d.status, coalesce(d.resolution, ''), "                       \
  "to_char(d.first_seen_at AT TIME ZONE 'UTC', "                             \
  "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), "                                  \
  "to_char(d.last_seen_at AT TIME ZONE 'UTC', "                              \
  "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), o.status::text, o.maybe_charged"

// Escalating again re-opens the entry: an order can be dead-lettered,
// requeued and dead-lettered again.
// An order dead-lettered while EXECUTING (a PSP call may be in flight, e.g.
// the watchdog found it slow) or PENDING (the PSP holds an intent) may have
// been charged: it is marked so, and no operator fails it blindly.
inline constexpr statement escalate_order = {
  "escalate_order",
  "WITH flag AS (UPDATE payment_order SET maybe_charged = true"
  "               WHERE payment_order_id = $1 AND NOT maybe_charged"
  "                 AND status IN ('EXECUTING', 'PENDING'))"
  " INSERT INTO dead_letter (payment_order_id, reason, last_error, attempts)"
  " VALUES ($1, $2, nullif($3, ''), $4)"
  " ON CONFLICT (payment_order_id) DO UPDATE"
  "  SET reason = excluded.reason, last_error = excluded.last_error,"
  "      attempts = excluded.attempts, status = 'open', resolution = NULL,"
  "      last_seen_at = now()"};

inline constexpr statement list_dead_letters = {
  "list_dead_letters",
  "SELECT " PAY_DEAD_LETTER_COLUMNS
  " FROM dead_letter d JOIN payment_order o USING (payment_order_id)"
  " WHERE $1 = '' OR d.status = $1"
  " ORDER BY d.last_seen_at DESC LIMIT $2"};

inline constexpr statement load_dead_letter = {
  "load_dead_letter",
  "SELECT " PAY_DEAD_LETTER_COLUMNS
  " FROM dead_letter d JOIN payment_order o USING (payment_order_id)"
  " WHERE d.payment_order_id = $1 FOR UPDATE OF d"};

// A fresh retry budget; maybe_charged stays: it is a fact about the past.
inline constexpr statement requeue_dead_letter = {
  "requeue_dead_letter",
  "WITH dl AS (UPDATE dead_letter SET status = 'requeued',"
  "             last_seen_at = now()"
  "             WHERE payment_order_id = $1 AND status = 'open'"
  "             RETURNING payment_order_id)"
  " UPDATE payment_order SET psp_attempts = 0, first_attempt_at = NULL,"
  "  next_attempt_at = NULL, updated_at = now()"
  " WHERE payment_order_id IN (SELECT payment_order_id FROM dl)"};

inline constexpr statement resolve_order_failed = {
  "resolve_order_failed",
  "UPDATE payment_order SET status = 'FAILED', version = version + 1,"
  " failure_code = 'operator_resolved', failure_message = $2,"
  " updated_at = now()"
  " WHERE payment_order_id = $1"
  "   AND status IN ('NOT_STARTED', 'EXECUTING', 'PENDING', 'REVIEW')"
  " RETURNING status::text"};

inline constexpr statement close_dead_letter = {
  "close_dead_letter",
  "UPDATE dead_letter SET status = 'resolved', resolution = $2,"
  " last_seen_at = now() WHERE payment_order_id = $1 AND status = 'open'"};

// Orders that have not moved for a while and that no operator holds.
inline constexpr statement find_stuck_orders = {
  "find_stuck_orders",
  "SELECT " PAY_ORDER_COLUMNS " FROM payment_order"
  " WHERE status IN ('NOT_STARTED', 'EXECUTING')"
  "   AND updated_at < now() - $1 * interval '1 millisecond'"
  "   AND NOT EXISTS (SELECT 1 FROM dead_letter d"
  "                    WHERE d.payment_order_id = payment_order.payment_order_id"
  "                      AND d.status = 'open')"
  " ORDER BY updated_at LIMIT $2"};

inline constexpr statement load_order_history = {
  "load_order_history",
  "SELECT seq, to_char(at AT TIME ZONE 'UTC',"
  " 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), from_status::text,"
  " to_status::text, event, attempt, coalesce(outcome, ''),"
  " coalesce(error, ''), coalesce(correlation_id, '')"
  " FROM payment_order_history WHERE payment_order_id = $1 ORDER BY seq"};

// $1 statuses, $2 older than (s), $3 cursor time (us since epoch, -1 = none),
// $4 cursor id, $5 limit. The last column is the row's cursor time.
inline constexpr statement list_orders = {
  "list_orders",
  "SELECT " PAY_ORDER_COLUMNS ","
  " (extract(epoch FROM updated_at) * 1000000)::bigint"
  " FROM payment_order"
  " WHERE status = ANY($1::payment_order_status[])"
  "   AND updated_at <= now() - $2 * interval '1 second'"
  "   AND ($3::bigint < 0 OR (updated_at, payment_order_id)"
  "        > (timestamptz 'epoch' + $3::bigint * interval '1 microsecond',"
  "           $4))"
  " ORDER BY updated_at, payment_order_id LIMIT $5"};

inline constexpr statement record_webhook_event = {
  "record_webhook_event",
  "INSERT INTO webhook_event (event_id, type, payment_order_id)"
  " VALUES ($1, $2, nullif($3, '')) ON CONFLICT (event_id) DO NOTHING"
  " RETURNING event_id"};

// Velocity counts the buyer's checkouts in the window, this one included
// (1 when the buyer gives neither account nor e-mail).
inline constexpr statement load_risk_inputs = {
  "load_risk_inputs",
  "SELECT e.buyer_info::text,"
  " CASE WHEN e.buyer_key IS NULL OR $3 = 0 THEN 1 ELSE"
  "  (SELECT count(*) FROM (SELECT 1 FROM payment_event p"
  "    WHERE p.buyer_key = e.buyer_key"
  "      AND p.created_at > now() - $2 * interval '1 second'"
  "    LIMIT $3) recent) END"
  " FROM payment_event e WHERE e.checkout_id = $1"};

inline constexpr statement record_risk_decision = {
  "record_risk_decision",
  "UPDATE payment_event SET risk_verdict = $2, risk_rules = $3::jsonb,"
  " review_status = CASE WHEN $2 = 'review' THEN 'open' END,"
  " updated_at = now()"
  " WHERE checkout_id = $1 AND risk_verdict IS NULL RETURNING checkout_id"};

// $2 to, $3 failure code, $4 failure message, $5 from.
inline constexpr statement move_checkout_orders = {
  "move_checkout_orders",
  "UPDATE payment_order SET status = $2::payment_order_status,"
  " failure_code = coalesce(nullif($3, ''), failure_code),"
  " failure_message = coalesce(nullif($4, ''), failure_message),"
  " version = version + 1, updated_at = now()"
  " WHERE checkout_id = $1 AND status = $5::payment_order_status"
  " RETURNING payment_order_id"};

inline constexpr statement list_open_reviews = {
  "list_open_reviews",
  "SELECT checkout_id FROM payment_event WHERE review_status = 'open'"
  " ORDER BY created_at LIMIT $1"};

inline constexpr statement decide_review = {
  "decide_review",
  "UPDATE payment_event SET review_status = $2, review_reason = nullif($3, ''),"
  " reviewed_at = now(), updated_at = now()"
  " WHERE checkout_id = $1 AND review_status = 'open' RETURNING checkout_id"};

inline constexpr statement count_open_dead_letters = {
  "count_open_dead_letters",
  "SELECT count(*) FROM dead_letter WHERE status = 'open'"};

inline constexpr statement claim_idempotency_key = {
  "claim_idempotency_key",
  "INSERT INTO idempotency_key (key, request_hash, checkout_id)"
  " VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING RETURNING key"};

inline constexpr statement load_idempotency_key = {
  "load_idempotency_key",
  "SELECT request_hash, coalesce(response_status, 0),"
  " coalesce(response_body, '') FROM idempotency_key WHERE key = $1"};

// First response wins; a second save of the same key changes nothing.
inline constexpr statement save_idempotent_response = {
  "save_idempotent_response",
  "UPDATE idempotency_key SET response_status = $2, response_body = $3,"
  " completed_at = now() WHERE key = $1 AND response_status IS NULL"};

inline constexpr statement prepared_statements[] = {
  find_event_hash, find_orders_by_ids, insert_event, insert_orders,
  load_event, load_orders_of_checkout, load_order, transition_order,
  credit_wallet, write_ledger, mark_checkout_done,
  load_unfinished_checkouts, insert_history, record_attempt, escalate_order,
  list_dead_letters, load_dead_letter, requeue_dead_letter,
  resolve_order_failed, close_dead_letter, find_stuck_orders,
  claim_idempotency_key, load_idempotency_key, save_idempotent_response,
  load_order_history, list_orders, count_open_dead_letters,
  record_webhook_event, load_risk_inputs, record_risk_decision,
  move_checkout_orders, list_open_reviews, decide_review};

#undef PAY_ORDER_COLUMNS
#undef PAY_DEAD_LETTER_COLUMNS

}  // namespace pay::persistence::sql
