// Every SQL statement the harness runs against paymentd's database, as named
// constants. A violation query returns one text column per row: one
// violation, already worded.
#pragma once

#include "tools/chaos/violation.hpp"

namespace pay::chaos::sql {

struct violation_query {
  invariant which;
  const char* sql;
};

// Orders with work left; `unsettled_outside_dlq` leaves out those with an
// open dead letter (only valid when the table exists).
inline constexpr const char* unsettled_orders =
  "SELECT 'order ' || o.payment_order_id || ' of ' || o.checkout_id"
  "       || ' is ' || o.status::text || ' wallet_updated='"
  "       || o.wallet_updated || ' ledger_updated=' || o.ledger_updated"
  "       || ' attempts=' || o.attempts || ' last change '"
  "       || to_char(o.updated_at, 'HH24:MI:SS.MS')"
  "  FROM payment_order o"
  " WHERE (o.status IN ('NOT_STARTED', 'EXECUTING', 'PENDING', 'CAPTURING',"
  "                      'VOIDING')"
  // Authorized until its fulfilment (or its review): settled until someone
  // decides; an AUTHORIZED order with no wake-up set is about to capture.
  // One (or a held REVIEW) whose authorization is due to be voided within
  // seconds is about to move: the round's 4 s hold makes that common, and
  // a void fired between this wait and the check would read as unfinished.
  "        OR (o.status = 'AUTHORIZED' AND o.next_poll_at IS NULL)"
  "        OR (o.status IN ('AUTHORIZED', 'REVIEW')"
  "            AND o.next_poll_at < now() + interval '10 seconds')"
  "        OR (o.status = 'SUCCESS'"
  "            AND NOT (o.wallet_updated AND o.ledger_updated)))";
inline constexpr const char* outside_dlq =
  "   AND NOT EXISTS (SELECT 1 FROM dead_letter d"
  "                    WHERE d.payment_order_id = o.payment_order_id"
  "                      AND d.status = 'open')";
inline constexpr const char* checkouts_not_marked_done =
  "SELECT 'checkout ' || e.checkout_id || ' has every order SUCCESS and"
  " booked but is_payment_done is false'"
  "  FROM payment_event e"
  " WHERE NOT e.is_payment_done"
  "   AND NOT EXISTS (SELECT 1 FROM payment_order o"
  "                    WHERE o.checkout_id = e.checkout_id"
  "                      AND NOT (o.status = 'SUCCESS' AND o.wallet_updated"
  "                               AND o.ledger_updated))";

inline constexpr const char* table_exists =
  "SELECT to_regclass($1) IS NOT NULL";

// payment_order_id, checkout_id, seller_account, amount_minor, currency:
// the amount the client asked for, which a partial capture on fulfilment
// lowers to what it took (authorized_minor keeps the asked amount).
inline constexpr const char* stored_orders =
  "SELECT payment_order_id, checkout_id, seller_account,"
  "       coalesce(authorized_minor, amount_minor), currency"
  "  FROM payment_order";
// Orders authorized for capture on fulfilment, waiting for the merchant:
// payment_order_id, amount_minor, currency.
inline constexpr const char* authorized_orders =
  "SELECT payment_order_id, amount_minor, currency FROM payment_order"
  " WHERE status = 'AUTHORIZED' AND authorized_minor IS NOT NULL";
inline constexpr const char* checkout_ids =
  "SELECT checkout_id FROM payment_event";

// testkit's find_violations checks that histories never go backwards; this
// adds that each one ends where its order's row is.
inline constexpr violation_query history_checks[] = {
  {invariant::history_forward,
   "SELECT 'order ' || o.payment_order_id || ' is ' || o.status::text"
   "       || ' but its history ends at ' || coalesce(l.to_status::text,"
   "       'nothing (no history rows)')"
   "  FROM payment_order o"
   "  LEFT JOIN LATERAL (SELECT h.to_status FROM payment_order_history h"
   "                      WHERE h.payment_order_id = o.payment_order_id"
   "                      ORDER BY h.seq DESC LIMIT 1) l ON true"
   " WHERE (l.to_status IS NULL AND o.status <> 'NOT_STARTED')"
   "    OR l.to_status <> o.status"},
};

// One order's story for a violation report: status, the exactly-once
// bookkeeping, its dead letter and its whole history, oldest first.
inline constexpr const char* explain_order =
  "SELECT o.status::text || ' maybe_charged=' || o.maybe_charged"
  "       || ' psp_attempts=' || o.psp_attempts || ' psp_reference='"
  "       || coalesce(o.psp_reference, '-') || ' dead_letter='"
  "       || coalesce((SELECT d.status || '/' || d.reason FROM dead_letter d"
  "                     WHERE d.payment_order_id = o.payment_order_id),"
  "                   'none')"
  "       || ' history: ' || coalesce((SELECT string_agg(h.event"
  "            || coalesce(' ' || nullif(h.outcome, ''), '')"
  "            || coalesce(' (' || nullif(h.error, '') || ')', '')"
  "            || ' [' || coalesce(h.correlation_id, '') || ']', ' > '"
  "            ORDER BY h.seq) FROM payment_order_history h"
  "           WHERE h.payment_order_id = o.payment_order_id), 'none')"
  "  FROM payment_order o WHERE o.payment_order_id = $1";

inline constexpr const char* count_orders_by_status =
  "SELECT count(*), count(*) FILTER (WHERE status = 'SUCCESS'),"
  "       count(*) FILTER (WHERE status = 'FAILED')"
  "  FROM payment_order";
inline constexpr const char* count_retries =
  "SELECT count(*) FROM payment_order_history"
  " WHERE outcome IN ('transient', 'outcome_unknown', 'unknown')";
inline constexpr const char* count_recovered_orders =
  "SELECT count(DISTINCT payment_order_id) FROM payment_order_history"
  " WHERE correlation_id = 'recovery'";
inline constexpr const char* count_dlq_open =
  "SELECT count(*) FROM dead_letter WHERE status = 'open'";

// After pay-in (money_cycle.cpp, money_checks.cpp).
// payment_order_id, amount_minor, currency of every order a refund may name.
inline constexpr const char* booked_success_orders =
  "SELECT payment_order_id, amount_minor, currency FROM payment_order"
  " WHERE status = 'SUCCESS' AND wallet_updated AND ledger_updated"
  " ORDER BY payment_order_id";
// Refunds (CREATED, or PENDING at the PSP) and pay-outs with work left (only
// valid when the tables exist).
inline constexpr const char* unsettled_money_movements =
  "SELECT 'refund ' || refund_id || ' of ' || payment_order_id || ' is '"
  "       || status::text || ' attempts=' || attempts"
  "  FROM refund WHERE status NOT IN ('SUCCEEDED', 'FAILED')"
  " UNION ALL "
  "SELECT 'payout ' || payout_id || ' of ' || seller_account || ' is '"
  "       || status::text || ' attempts=' || attempts"
  "  FROM payout WHERE status NOT IN ('PAID', 'FAILED')";
// refund_id, payment_order_id, idempotency_key, amount_minor, status,
// psp_reference (or ''), the order's psp_reference (or '').
inline constexpr const char* our_refunds =
  "SELECT r.refund_id, r.payment_order_id, r.idempotency_key,"
  "       r.amount_minor, r.status::text, coalesce(r.psp_reference, ''),"
  "       coalesce(o.psp_reference, '')"
  "  FROM refund r JOIN payment_order o USING (payment_order_id)";
// payout_id, amount_minor, currency, status.
inline constexpr const char* our_payouts =
  "SELECT payout_id, amount_minor, currency, status::text FROM payout";
inline constexpr const char* count_refunds_and_payouts =
  "SELECT (SELECT count(*) FROM refund WHERE status = 'SUCCEEDED'),"
  "       (SELECT count(*) FROM refund WHERE status = 'FAILED'),"
  "       (SELECT count(*) FROM payout WHERE status = 'PAID'),"
  "       (SELECT count(*) FROM payout WHERE status = 'FAILED'),"
  "       (SELECT count(*) FROM payment_order WHERE fulfilled_at IS NOT NULL),"
  "       (SELECT count(*) FROM payment_order WHERE settled_on IS NOT NULL)";

}  // namespace pay::chaos::sql
