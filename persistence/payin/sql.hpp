#pragma once
// The pay-in store's SQL, as named constants: every statement it runs on
// its own connections. The other contexts keep theirs in
// persistence/<context>/statements.hpp (persistence/common/statements.hpp
// lists them); writes to the ledger and the wallet tables are ledger's
// alone, so transition_orders embeds ledger's booking CTEs and the
// single-order recovery steps run ledger's statements. Prepared statements
// are listed in `prepared_statements` (ledger's in
// sql::ledger::prepared_statements) and prepared once per connection.

#include "persistence/common/statements.hpp"
#include "persistence/ledger/statements.hpp"

namespace pay::persistence::sql::payin {

// --- store connections -------------------------------------------------------
// A prepared statement's generic plan is made once, after its fifth run, and
// kept until the table is analyzed again: on a fresh database that is while
// the tables hold a few rows, and a plan that scans a tiny table whole (or
// hashes it) stays in use when it holds millions. Every statement of a
// store connection looks rows up by key, so its plans may not scan a table
// where an index exists: lookups by index, whatever the tables' size when
// the plan was made. (A listing with no index to use still scans; joins of
// a statement's own small inputs may still hash.)
inline constexpr const char* store_session_settings =
  "SET enable_seqscan = off";

// --- prepared statements ----------------------------------------------------
#define PAY_ORDER_COLUMNS                                                    \
  "payment_order_id, checkout_id, seller_account, amount_minor, currency, "  \
  "status::text, version, attempts, coalesce(psp_reference, ''), "           \
  "coalesce(failure_code, ''), coalesce(failure_message, ''), "              \
  "wallet_updated, ledger_updated, "                                         \
  "to_char(created_at AT TIME ZONE 'UTC', "                                  \
  "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), "                                   \
  "to_char(updated_at AT TIME ZONE 'UTC', "                                  \
  "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), "                                   \
  "psp_attempts, maybe_charged, "                                            \
  "coalesce((extract(epoch FROM now() - first_attempt_at) * 1000)::bigint, " \
  "-1), "                                                                    \
  "EXISTS (SELECT 1 FROM dead_letter d WHERE d.payment_order_id = "          \
  "payment_order.payment_order_id AND d.status = 'open'), "                  \
  "coalesce(psp_session_id, ''), coalesce(redirect_url, ''), "               \
  "pending_polls, coalesce(to_char(next_poll_at AT TIME ZONE 'UTC', "        \
  "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), ''), "                              \
  "coalesce(authorized_minor, 0), coalesce(card_assessment::text, ''), "     \
  "coalesce(to_char(authorization_expires_at AT TIME ZONE 'UTC', "           \
  "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), ''), "                              \
  "coalesce(authorization_expires_at <= now(), false)"

inline constexpr statement find_event_hash = {
  "find_event_hash",
  "SELECT request_hash FROM payment_event WHERE checkout_id = $1"};

// New checkouts and all their orders in one statement for a whole batch:
// the fast path of accepting them. Events as parallel arrays: $1 id, $2
// buyer JSON, $3 token, $4 request hash, $5 return URL, $6/$7 a risk
// decision known at insert (empty: decided later); orders: $8 checkout id,
// $9 order id, $10 line number, $11 seller, $12 amount, $13 currency, $14
// status (NOT_STARTED, or EXECUTING when the decision allows: then with
// version 1, one attempt and the history row of that move), $15 correlation
// id. Rows: one per inserted order with its event's id, created_at and risk
// rules as stored first (one row with NULL order columns for an event with
// none); nothing for a checkout_id that exists (a duplicate or a conflict),
// and fewer orders than asked when an order id belongs to another checkout:
// the caller then undoes that checkout (undo_checkout_insert).
inline constexpr statement insert_checkouts = {
  "insert_checkouts",
  "WITH events AS ("
  "  INSERT INTO payment_event (checkout_id, buyer_info, psp_token,"
  "   request_hash, return_url, risk_verdict, risk_rules, capture_method)"
  "  SELECT e.id, e.buyer::jsonb, nullif(e.token, ''), e.hash,"
  "         nullif(e.return_url, ''), nullif(e.verdict, ''),"
  "         nullif(e.rules, '')::jsonb, e.capture"
  "    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[],"
  "                $5::text[], $6::text[], $7::text[], $16::text[])"
  "         AS e(id, buyer, token, hash, return_url, verdict, rules, capture)"
  "  ON CONFLICT (checkout_id) DO NOTHING"
  "  RETURNING checkout_id,"
  "   to_char(created_at AT TIME ZONE 'UTC',"
  "           'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') AS created_text,"
  "   coalesce(risk_rules::text, '') AS rules_text),"
  " input AS ("
  "  SELECT o.*, o.status::payment_order_status = 'EXECUTING' AS started"
  "    FROM unnest($8::text[], $9::text[], $10::smallint[], $11::text[],"
  "                $12::bigint[], $13::text[], $14::text[], $15::text[])"
  "         AS o(checkout, id, line_no, seller, amount, currency, status,"
  "              correlation_id)),"
  " orders AS ("
  "  INSERT INTO payment_order (payment_order_id, checkout_id, line_no,"
  "   seller_account, amount_minor, currency, status, version, attempts)"
  "  SELECT o.id, o.checkout, o.line_no, o.seller, o.amount, o.currency,"
  "         o.status::payment_order_status, o.started::integer,"
  "         o.started::integer"
  "    FROM input o JOIN events e ON e.checkout_id = o.checkout"
  "  ON CONFLICT (payment_order_id) DO NOTHING"
  "  RETURNING " PAY_ORDER_COLUMNS
  ", line_no),"
  " history AS ("
  "  INSERT INTO payment_order_history (payment_order_id, from_status,"
  "   to_status, event, attempt, correlation_id)"
  "  SELECT o.payment_order_id, 'NOT_STARTED', 'EXECUTING',"
  "         'start_execution', 0, nullif(i.correlation_id, '')"
  "    FROM orders o JOIN input i ON i.id = o.payment_order_id"
  "   WHERE i.started)"
  " SELECT events.checkout_id, events.created_text, events.rules_text,"
  "        orders.*"
  "   FROM events LEFT JOIN orders ON orders.checkout_id = events.checkout_id"};

// Takes back this transaction's own insert of checkout $1 (an order id of
// it was taken): nobody else ever saw those rows.
inline constexpr statement undo_checkout_insert = {
  "undo_checkout_insert",
  "WITH orders AS (DELETE FROM payment_order WHERE checkout_id = $1)"
  " DELETE FROM payment_event WHERE checkout_id = $1"};

inline constexpr statement load_event = {
  "load_event",
  "SELECT is_payment_done, coalesce(psp_token, ''),"
  " to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'),"
  " coalesce(return_url, ''), coalesce(risk_verdict, ''),"
  " coalesce(risk_rules::text, ''), coalesce(review_status, ''),"
  " capture_method"
  " FROM payment_event WHERE checkout_id = $1"};

inline constexpr statement load_orders_of_checkout = {
  "load_orders_of_checkout",
  "SELECT " PAY_ORDER_COLUMNS
  " FROM payment_order WHERE checkout_id = $1 ORDER BY line_no"};

inline constexpr statement load_order = {
  "load_order", "SELECT " PAY_ORDER_COLUMNS
                " FROM payment_order WHERE payment_order_id = $1"};

// Compare-and-set on (status, version) for a whole store batch: one
// statement whatever the batch size, parallel arrays, one element per
// command. $1 ids, $2 from, $3 to, $4 expected versions, $5 attempts to add
// (0/1), $6 PSP references, $7 failure codes, $8 failure messages, $9 PSP
// session ids, $10 redirect URLs, $11 history events, $12 correlation ids.
// $17 card assessments (JSON; '' keeps what is stored), $18 authorized
// amounts (0 keeps), $19 how long an authorization may wait in ms (0: it
// does not wait in the database; else the poll waker brings the order back
// when its authorization is due to be voided). An order held for review
// after its authorization opens its checkout's review; one captured from
// CAPTURING (a fulfilment) is fulfilled by the same write.
// A row reached SUCCESS is booked in the same statement, never later: its
// wallet credit and its pay-in ledger transaction with the postings given
// in $13..$16 (ledger's PAY_LEDGER_BOOK_PAYINS_CTES, which says how), and
// both flags. The order row is thus written once per transition, and the
// ledger's balance is checked once for the statement. Returns the moved
// rows as they are now, each with whether this statement marked its
// checkout done; an id missing from the result was not where its command
// expected.
inline constexpr statement transition_orders = {
  "transition_orders",
  "WITH input AS ("
  "  SELECT * FROM unnest($1::text[], $2::payment_order_status[],"
  "   $3::payment_order_status[], $4::integer[], $5::integer[], $6::text[],"
  "   $7::text[], $8::text[], $9::text[], $10::text[], $11::text[],"
  "   $12::text[], $17::text[], $18::bigint[], $19::bigint[])"
  "   AS i(id, from_status, to_status, version, attempts_add, psp_reference,"
  "        failure_code, failure_message, psp_session_id, redirect_url,"
  "        event, correlation_id, assessment, authorized, hold_ms)),"
  " moved AS ("
  "  UPDATE payment_order o SET status = i.to_status,"
  "   version = o.version + 1, attempts = o.attempts + i.attempts_add,"
  "   psp_reference = coalesce(nullif(i.psp_reference, ''), o.psp_reference),"
  "   failure_code = nullif(i.failure_code, ''),"
  "   failure_message = nullif(i.failure_message, ''),"
  "   psp_session_id = coalesce(nullif(i.psp_session_id, ''),"
  "                             o.psp_session_id),"
  "   redirect_url = coalesce(nullif(i.redirect_url, ''), o.redirect_url),"
  "   next_poll_at = CASE WHEN i.hold_ms > 0"
  "     THEN now() + i.hold_ms * interval '1 millisecond' END,"
  "   authorization_expires_at = CASE WHEN i.hold_ms > 0"
  "     THEN now() + i.hold_ms * interval '1 millisecond'"
  "     ELSE o.authorization_expires_at END,"
  "   card_assessment = coalesce(nullif(i.assessment, '')::jsonb,"
  "                              o.card_assessment),"
  "   authorized_minor = coalesce(nullif(i.authorized, 0), o.authorized_minor),"
  "   fulfilled_at = CASE WHEN o.status = 'CAPTURING'"
  "     AND i.to_status = 'SUCCESS' THEN now() ELSE o.fulfilled_at END,"
  "   wallet_updated = o.wallet_updated OR i.to_status = 'SUCCESS',"
  "   ledger_updated = o.ledger_updated OR i.to_status = 'SUCCESS',"
  "   updated_at = now()"
  "  FROM input i"
  "  WHERE o.payment_order_id = i.id AND o.status = i.from_status"
  "    AND o.version = i.version"
  "  RETURNING o.*, i.from_status AS moved_from, i.event AS moved_by,"
  "            i.correlation_id AS moved_correlation_id),"
  " history AS ("
  "  INSERT INTO payment_order_history (payment_order_id, from_status,"
  "   to_status, event, attempt, error, correlation_id)"
  "  SELECT payment_order_id, moved_from, status, moved_by, psp_attempts,"
  "         failure_code, nullif(moved_correlation_id, '')"
  "    FROM moved),"
  " held AS ("
  "  UPDATE payment_event e SET review_status = 'open', updated_at = now()"
  "   WHERE e.checkout_id IN (SELECT checkout_id FROM moved"
  "                            WHERE status = 'REVIEW')"
  "     AND e.review_status IS DISTINCT FROM 'open')," PAY_LEDGER_BOOK_PAYINS_CTES
  // The checkout of an order moved to SUCCESS is marked done here when every
  // other order of it is SUCCESS and booked already or moved so by this very
  // statement (which sees the rows as they were before it). Siblings moved
  // by concurrent batches on other connections see each other unfinished:
  // the checkout marks itself done then (mark_checkouts_done).
  " done AS ("
  "  UPDATE payment_event e SET is_payment_done = true, updated_at = now()"
  "   WHERE e.checkout_id IN (SELECT checkout_id FROM moved"
  "                            WHERE status = 'SUCCESS')"
  "     AND NOT e.is_payment_done"
  "     AND NOT EXISTS (SELECT 1 FROM payment_order o"
  "                      WHERE o.checkout_id = e.checkout_id"
  "                        AND o.payment_order_id NOT IN"
  "                            (SELECT payment_order_id FROM moved"
  "                              WHERE status = 'SUCCESS')"
  "                        AND (o.status <> 'SUCCESS'"
  "                          OR NOT (o.wallet_updated AND o.ledger_updated)))"
  "  RETURNING e.checkout_id)"
  " SELECT " PAY_ORDER_COLUMNS
  ","
  "        EXISTS (SELECT 1 FROM done"
  "                 WHERE done.checkout_id = payment_order.checkout_id)"
  "   FROM moved AS payment_order"};

// $1: text[] of payment_order_ids
inline constexpr statement load_orders = {
  "load_orders",
  "SELECT " PAY_ORDER_COLUMNS
  " FROM unnest($1::text[]) AS i(id)"
  " JOIN payment_order ON payment_order.payment_order_id = i.id"};

// A batch of checkouts at once ($1 text[]). The database checks "every
// order succeeded and is booked" itself, not only the caller. Returns the
// checkouts marked now.
inline constexpr statement mark_checkouts_done = {
  "mark_checkouts_done",
  "UPDATE payment_event e SET is_payment_done = true, updated_at = now()"
  " FROM unnest($1::text[]) AS i(id)"
  " WHERE e.checkout_id = i.id AND NOT e.is_payment_done"
  "   AND NOT EXISTS (SELECT 1 FROM payment_order o"
  "                    WHERE o.checkout_id = e.checkout_id"
  "                      AND (o.status <> 'SUCCESS'"
  "                        OR NOT (o.wallet_updated AND o.ledger_updated)))"
  " RETURNING e.checkout_id"};

inline constexpr statement load_unfinished_checkouts = {
  "load_unfinished_checkouts",
  "(SELECT DISTINCT checkout_id FROM payment_order"
  "  WHERE pay_checkout_owned_here(checkout_id)"
  "    AND ((status IN ('NOT_STARTED', 'EXECUTING', 'PENDING', 'AUTHORIZED',"
  "                     'CAPTURING', 'VOIDING')"
  "         AND next_poll_at IS NULL"
  "         AND NOT EXISTS (SELECT 1 FROM dead_letter d"
  "                          WHERE d.payment_order_id"
  "                                = payment_order.payment_order_id"
  "                            AND d.status = 'open'))"
  "     OR (status = 'SUCCESS' AND NOT (wallet_updated AND ledger_updated))))"
  " UNION"
  " (SELECT e.checkout_id FROM payment_event e"
  "   WHERE NOT e.is_payment_done"
  "     AND pay_owned_here(e.owner_node, e.owner_epoch)"
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

// A batch of orders at once, parallel arrays: $1 orders, $2 wake in ms, $3
// pending polls so far. Returns the orders passivated (those PENDING).
inline constexpr statement passivate_orders = {
  "passivate_orders",
  "UPDATE payment_order o"
  " SET next_poll_at = now() + i.wake_ms * interval '1 millisecond',"
  "     pending_polls = i.polls"
  " FROM unnest($1::text[], $2::bigint[], $3::integer[]) AS i(id, wake_ms, polls)"
  " WHERE o.payment_order_id = i.id AND o.status = 'PENDING'"
  " RETURNING o.payment_order_id"};

// SKIP LOCKED: concurrent wakers take disjoint orders; in a cluster each
// node wakes the orders of its own checkouts (a dead node's are taken over
// first).
inline constexpr statement claim_due_polls = {
  "claim_due_polls",
  "UPDATE payment_order SET next_poll_at = NULL"
  " WHERE payment_order_id IN ("
  "   SELECT payment_order_id FROM payment_order"
  "    WHERE next_poll_at <= now() AND pay_checkout_owned_here(checkout_id)"
  "    ORDER BY next_poll_at LIMIT $1"
  "    FOR UPDATE SKIP LOCKED)"
  " RETURNING checkout_id"};

#define PAY_DEAD_LETTER_COLUMNS                                               \
  "d.payment_order_id, o.checkout_id, d.reason, coalesce(d.last_error, ''), " \
  "d.attempts, d.status, coalesce(d.resolution, ''), "                        \
  "to_char(d.first_seen_at AT TIME ZONE 'UTC', "                              \
  "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), "                                    \
  "to_char(d.last_seen_at AT TIME ZONE 'UTC', "                               \
  "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), o.status::text, o.maybe_charged"

// Escalating again re-opens the entry: an order can be dead-lettered,
// requeued and dead-lettered again.
// An order dead-lettered while EXECUTING (a PSP call may be in flight, e.g.
// the watchdog found it slow), PENDING (the PSP holds an intent) or CAPTURING
// (a capture may have gone through) may have been charged: it is marked so,
// and no operator fails it blindly.
inline constexpr statement escalate_order = {
  "escalate_order",
  "WITH flag AS (UPDATE payment_order SET maybe_charged = true"
  "               WHERE payment_order_id = $1 AND NOT maybe_charged"
  "                 AND status IN ('EXECUTING', 'PENDING', 'CAPTURING'))"
  " INSERT INTO dead_letter (payment_order_id, reason, last_error, attempts)"
  " VALUES ($1, $2, nullif($3, ''), $4)"
  " ON CONFLICT (payment_order_id) DO UPDATE"
  "  SET reason = excluded.reason, last_error = excluded.last_error,"
  "      attempts = excluded.attempts, status = 'open', resolution = NULL,"
  "      last_seen_at = now()"};

inline constexpr statement list_dead_letters = {
  "list_dead_letters",
  "SELECT " PAY_DEAD_LETTER_COLUMNS
  ", (extract(epoch FROM d.last_seen_at) * 1000000)::bigint"
  " FROM dead_letter d JOIN payment_order o USING (payment_order_id)"
  " WHERE ($1 = '' OR d.status = $1)"
  "   AND ($3::bigint < 0 OR (d.last_seen_at, d.payment_order_id)"
  "        < (timestamptz 'epoch' + $3::bigint * interval '1 microsecond',"
  "           $4))"
  " ORDER BY d.last_seen_at DESC, d.payment_order_id DESC LIMIT $2"};

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
  " next_poll_at = NULL,"
  " updated_at = now()"
  " WHERE payment_order_id = $1"
  "   AND status IN ('NOT_STARTED', 'EXECUTING', 'PENDING', 'REVIEW',"
  "                  'AUTHORIZED', 'CAPTURING', 'VOIDING')"
  " RETURNING status::text"};

inline constexpr statement close_dead_letter = {
  "close_dead_letter",
  "UPDATE dead_letter SET status = 'resolved', resolution = $2,"
  " last_seen_at = now() WHERE payment_order_id = $1 AND status = 'open'"};

// Orders that have not moved for a while and that no operator holds.
inline constexpr statement find_stuck_orders = {
  "find_stuck_orders",
  "SELECT " PAY_ORDER_COLUMNS
  " FROM payment_order"
  " WHERE status IN ('NOT_STARTED', 'EXECUTING', 'CAPTURING', 'VOIDING')"
  "   AND updated_at < now() - $1 * interval '1 millisecond'"
  "   AND pay_checkout_owned_here(checkout_id)"
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
  "SELECT " PAY_ORDER_COLUMNS
  ","
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
  "   AND authorized_minor IS NULL"
  " RETURNING payment_order_id"};

// An operator's decision on the orders of checkout $1 held in review after
// their authorization: approved ($2 true) they are AUTHORIZED again, waiting
// in the database for their fulfilment when the checkout captures on
// fulfilment, else captured at once by their actor; rejected, their void is
// decided (VOIDING, failure code $3, message $4). $5 the history event.
inline constexpr statement decide_held_authorizations = {
  "decide_held_authorizations",
  "WITH moved AS ("
  "  UPDATE payment_order o SET"
  "   status = CASE WHEN $2 THEN 'AUTHORIZED' ELSE 'VOIDING'"
  "            END::payment_order_status,"
  "   failure_code = CASE WHEN $2 THEN o.failure_code ELSE nullif($3, '') END,"
  "   failure_message = CASE WHEN $2 THEN o.failure_message"
  "                     ELSE nullif($4, '') END,"
  "   next_poll_at = CASE WHEN $2 AND e.capture_method = 'on_fulfillment'"
  "                  THEN o.authorization_expires_at END,"
  "   version = o.version + 1, updated_at = now()"
  "  FROM payment_event e"
  "  WHERE o.checkout_id = $1 AND e.checkout_id = o.checkout_id"
  "    AND o.status = 'REVIEW' AND o.authorized_minor IS NOT NULL"
  "  RETURNING o.payment_order_id, o.status, o.psp_attempts)"
  " INSERT INTO payment_order_history (payment_order_id, from_status,"
  "  to_status, event, attempt, correlation_id)"
  " SELECT payment_order_id, 'REVIEW', status, $5, psp_attempts, 'operator'"
  "   FROM moved RETURNING payment_order_id"};

// A fulfilment's capture or a cancel's void, decided for order $1 and
// persisted before the PSP hears of it (compare-and-set on the status: a
// merchant's request may come at any time). Capture: from AUTHORIZED, $2 the
// amount to capture (0: all), never more than authorized; the amount
// becomes what the order charges. Void: from AUTHORIZED, or REVIEW holding
// an authorization; $2 failure code, $3 message. Each returns the order as
// it is now, or nothing when it was not in such a state.
inline constexpr statement request_capture = {
  "request_capture",
  "UPDATE payment_order SET status = 'CAPTURING',"
  " amount_minor = CASE WHEN $2 > 0 THEN $2 ELSE amount_minor END,"
  " next_poll_at = NULL, version = version + 1, updated_at = now()"
  " WHERE payment_order_id = $1 AND status = 'AUTHORIZED'"
  "   AND $2 <= coalesce(authorized_minor, amount_minor)"
  " RETURNING " PAY_ORDER_COLUMNS};

inline constexpr statement request_void = {
  "request_void",
  "UPDATE payment_order SET status = 'VOIDING',"
  " failure_code = $2, failure_message = nullif($3, ''),"
  " next_poll_at = NULL, version = version + 1, updated_at = now()"
  " WHERE payment_order_id = $1"
  "   AND (status = 'AUTHORIZED'"
  "     OR (status = 'REVIEW' AND authorized_minor IS NOT NULL))"
  " RETURNING " PAY_ORDER_COLUMNS};

inline constexpr statement list_open_reviews = {
  "list_open_reviews",
  "SELECT checkout_id, (extract(epoch FROM created_at) * 1000000)::bigint"
  "  FROM payment_event WHERE review_status = 'open'"
  "   AND ($2::bigint < 0 OR (created_at, checkout_id)"
  "        > (timestamptz 'epoch' + $2::bigint * interval '1 microsecond',"
  "           $3))"
  " ORDER BY created_at, checkout_id LIMIT $1"};

inline constexpr statement decide_review = {
  "decide_review",
  "UPDATE payment_event SET review_status = $2, review_reason = nullif($3, ''),"
  " reviewed_at = now(), updated_at = now()"
  " WHERE checkout_id = $1 AND review_status = 'open' RETURNING checkout_id"};

// Per merchant account (the "acct_...:" prefix of a scoped id; platform ids
// have none), its checkouts with an order not final yet: what the cap on
// open checkouts counts. Served by payment_order_unfinished_idx.
inline constexpr statement count_open_checkouts = {
  "count_open_checkouts",
  "SELECT split_part(checkout_id, ':', 1), count(DISTINCT checkout_id)"
  "  FROM payment_order"
  " WHERE status IN ('NOT_STARTED', 'EXECUTING', 'PENDING')"
  "   AND checkout_id LIKE 'acct\\_%:%'"
  " GROUP BY 1"};

inline constexpr statement count_open_dead_letters = {
  "count_open_dead_letters",
  "SELECT count(*) FROM dead_letter WHERE status = 'open'"};

// A key older than $4 seconds is claimed anew, as if it had never been
// used (Stripe forgets keys after 24 hours).
inline constexpr statement claim_idempotency_key = {
  "claim_idempotency_key",
  "INSERT INTO idempotency_key (key, request_hash, checkout_id)"
  " VALUES ($1, $2, $3) ON CONFLICT (key) DO UPDATE SET"
  "   request_hash = EXCLUDED.request_hash,"
  "   checkout_id = EXCLUDED.checkout_id, response_status = NULL,"
  "   response_body = NULL, created_at = now(), completed_at = NULL"
  " WHERE idempotency_key.created_at < now() - $4::bigint * interval '1 second'"
  " RETURNING key"};

inline constexpr statement load_idempotency_key = {
  "load_idempotency_key",
  "SELECT request_hash, coalesce(response_status, 0),"
  " coalesce(response_body, '') FROM idempotency_key WHERE key = $1"};

// First response wins; a second save of the same key changes nothing.
inline constexpr statement save_idempotent_response = {
  "save_idempotent_response",
  "UPDATE idempotency_key SET response_status = $2, response_body = $3,"
  " completed_at = now() WHERE key = $1 AND response_status IS NULL"};

// --- cluster ---------------------------------------------------------------
// The owner of checkout $1, or of the checkout of order $2 ($1 empty), and
// whether its lease holds (migration 012).
inline constexpr statement load_owner = {
  "load_owner",
  "SELECT e.checkout_id, coalesce(e.owner_node, ''),"
  " coalesce(e.owner_epoch, 0),"
  " coalesce(pay_lease_current(e.owner_node, e.owner_epoch), false),"
  " coalesce(c.address, '')"
  " FROM payment_event e"
  " LEFT JOIN cluster_node c ON (c.node_id, c.epoch)"
  "                             = (e.owner_node, e.owner_epoch)"
  " WHERE e.checkout_id = CASE WHEN $1 <> '' THEN $1 ELSE"
  "  (SELECT checkout_id FROM payment_order WHERE payment_order_id = $2) END"};

// This connection's incarnation takes checkout $1 if its owner is dead.
inline constexpr statement claim_checkout = {
  "claim_checkout",
  "SELECT pay_claim_checkout($1, pay_writer_node(), pay_writer_epoch())"};

inline constexpr statement prepared_statements[] = {decide_held_authorizations,
                                                    request_capture,
                                                    request_void,
                                                    find_event_hash,
                                                    insert_checkouts,
                                                    undo_checkout_insert,
                                                    load_event,
                                                    load_orders_of_checkout,
                                                    load_order,
                                                    transition_orders,
                                                    load_orders,
                                                    mark_checkouts_done,
                                                    load_unfinished_checkouts,
                                                    insert_history,
                                                    record_attempt,
                                                    escalate_order,
                                                    list_dead_letters,
                                                    load_dead_letter,
                                                    requeue_dead_letter,
                                                    resolve_order_failed,
                                                    close_dead_letter,
                                                    find_stuck_orders,
                                                    claim_idempotency_key,
                                                    load_idempotency_key,
                                                    save_idempotent_response,
                                                    load_order_history,
                                                    list_orders,
                                                    count_open_dead_letters,
                                                    count_open_checkouts,
                                                    record_webhook_event,
                                                    load_risk_inputs,
                                                    record_risk_decision,
                                                    move_checkout_orders,
                                                    list_open_reviews,
                                                    decide_review,
                                                    passivate_orders,
                                                    claim_due_polls,
                                                    load_owner,
                                                    claim_checkout};

#undef PAY_ORDER_COLUMNS
#undef PAY_DEAD_LETTER_COLUMNS

}  // namespace pay::persistence::sql::payin
