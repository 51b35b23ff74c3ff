#pragma once
// The only statements that write the ledger (ledger_transaction,
// ledger_entry) and the wallet (wallet, wallet_credit) tables. Run through
// the functions of persistence/ledger/ledger_sql.hpp, except the pay-in
// booking CTEs, which the pay-in store's transition_orders embeds so that a
// whole batch of orders reaching SUCCESS is moved and booked in one
// statement. The deferred balance trigger checks every transaction at
// commit, whoever wrote it.

#include "persistence/common/statements.hpp"

// The pay-in booking of a store batch, as common table expressions for the
// statement that moves the orders (sql::payin::transition_orders): it must
// define before them a CTE `moved`, the order rows it updated (RETURNING
// o.*, so payment_order_id, seller_account, currency, amount_minor and the
// new status) with `moved_from`, the status each left; and pass the pay-in
// postings as $13..$16, parallel arrays of reference (the order id),
// account, currency and amount (built by ledger's payin_postings_batch).
// For each order moved to SUCCESS now (not SUCCESS -> SUCCESS): its wallet
// credit (the credit row's primary key makes a replay a no-op); the
// balances summed per seller and currency and upserted in key order, so
// concurrent batches lock wallet rows in one order; its ledger transaction
// ('payin', order id) and its entries. Ends with a comma: the embedding
// statement goes on with its own CTEs.
#define PAY_LEDGER_BOOK_PAYINS_CTES                                          \
  " credit AS ("                                                             \
  "  INSERT INTO wallet_credit (payment_order_id, seller_account, currency," \
  "   amount_minor)"                                                         \
  "  SELECT payment_order_id, seller_account, currency, amount_minor"        \
  "    FROM moved WHERE status = 'SUCCESS' AND moved_from <> 'SUCCESS'"      \
  "  ON CONFLICT DO NOTHING"                                                 \
  " RETURNING seller_account, currency, amount_minor),"                      \
  " balance AS ("                                                            \
  "  INSERT INTO wallet (seller_account, currency, balance_minor)"           \
  "  SELECT seller_account, currency, sum(amount_minor) FROM credit"         \
  "   GROUP BY 1, 2 ORDER BY 1, 2"                                           \
  "  ON CONFLICT (seller_account, currency) DO UPDATE"                       \
  "   SET balance_minor = wallet.balance_minor + excluded.balance_minor,"    \
  "       updated_at = now()),"                                              \
  " tx AS ("                                                                 \
  "  INSERT INTO ledger_transaction (kind, reference)"                       \
  "  SELECT 'payin', payment_order_id FROM moved"                            \
  "   WHERE status = 'SUCCESS' AND moved_from <> 'SUCCESS'"                  \
  "  ON CONFLICT DO NOTHING RETURNING id, reference),"                       \
  " entries AS ("                                                            \
  "  INSERT INTO ledger_entry (transaction_id, account, currency,"           \
  "   amount_minor)"                                                         \
  "  SELECT tx.id, e.account, e.currency, e.amount"                          \
  "    FROM tx JOIN unnest($13::text[], $14::text[], $15::text[],"           \
  "                        $16::bigint[])"                                   \
  "         AS e(reference, account, currency, amount)"                      \
  "      ON e.reference = tx.reference),"

namespace pay::persistence::sql::ledger {

// --- prepared on every pay-in store connection ---------------------------
// One order's wallet credit, for an order booked before migration 7 (since,
// transition_orders books every order reaching SUCCESS). $1 order, $2
// seller, $3 currency, $4 amount. The credit row's primary key makes this a
// no-op the second time; the order's wallet_updated flag records progress
// for recovery. Returns one row when credited now.
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

// One order's pay-in ledger transaction (same recovery path as
// credit_wallet), and its ledger_updated flag. $1 kind, $2 reference (the
// order id), $3/$4/$5 parallel arrays of account, currency, amount.
// Returns the transaction's id when written now.
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

// Listed with the pay-in store's own (sql::payin::prepared_statements).
inline constexpr statement prepared_statements[] = {credit_wallet,
                                                    write_ledger};

// --- in the refund, pay-out and reconciliation stores' transactions ---------
// One balanced transaction (kind, reference) unless it exists: UNIQUE
// (kind, reference) makes a replay write nothing. $3/$4/$5 parallel arrays
// of account, currency, amount. Returns a row per entry written now.
inline constexpr const char* append_transaction =
  "WITH tx AS ("
  "  INSERT INTO ledger_transaction (kind, reference) VALUES ($1, $2)"
  "  ON CONFLICT DO NOTHING RETURNING id)"
  " INSERT INTO ledger_entry (transaction_id, account, currency, amount_minor)"
  " SELECT tx.id, e.account, e.currency, e.amount"
  "   FROM tx, unnest($3::text[], $4::text[], $5::bigint[])"
  "        AS e(account, currency, amount)"
  " RETURNING transaction_id";

// $1 seller, $2 currency, $3 delta (negative: a debit of the seller).
inline constexpr const char* adjust_wallet =
  "INSERT INTO wallet (seller_account, currency, balance_minor)"
  " VALUES ($1, $2, $3)"
  " ON CONFLICT (seller_account, currency) DO UPDATE"
  "  SET balance_minor = wallet.balance_minor + excluded.balance_minor,"
  "      updated_at = now()";

// The wallet row lock_wallet locks, created with 0 when missing: FOR
// UPDATE only locks a row that exists.
inline constexpr const char* ensure_wallet =
  "INSERT INTO wallet (seller_account, currency, balance_minor)"
  " VALUES ($1, $2, 0) ON CONFLICT DO NOTHING";

// FOR UPDATE: serialises every balance check and change of this seller and
// currency (pay-out runs, refunds) until commit. Lock order everywhere: the
// wallet row first, then the ledger.
inline constexpr const char* lock_wallet =
  "SELECT balance_minor FROM wallet"
  " WHERE seller_account = $1 AND currency = $2 FOR UPDATE";

// --- reads: the trial balance ----------------------------------------------
// Every figure of one trial balance comes from one snapshot.
inline constexpr const char* snapshot =
  "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY";

inline constexpr const char* snapshot_time =
  "SELECT to_char(now() AT TIME ZONE 'UTC',"
  " 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')";

// Debits and credits (as a magnitude) of every account per currency. The
// ledger keeps entries only, no running balances (a running balance per
// account would be one row every pay-in batch updates, psp_receivable's
// above all, and group commit would queue on its lock): one pass over
// ledger_entry, docs/reconciliation.md says what it costs.
inline constexpr const char* account_sums =
  "SELECT account, currency,"
  "       coalesce(sum(amount_minor) FILTER (WHERE amount_minor > 0), 0)"
  "         ::bigint,"
  "       coalesce(-sum(amount_minor) FILTER (WHERE amount_minor < 0), 0)"
  "         ::bigint"
  "  FROM ledger_entry GROUP BY account, currency";

// Payment orders authorized at the PSP and not captured or voided yet, per
// currency. As text: these statuses come with migration 013, and the
// comparison must hold before it too (no row matches then).
inline constexpr const char* authorizations_held =
  "SELECT currency, sum(amount_minor)::bigint, count(*)"
  "  FROM payment_order"
  " WHERE status::text IN ('AUTHORIZED', 'CAPTURING', 'VOIDING')"
  " GROUP BY currency ORDER BY currency";

}  // namespace pay::persistence::sql::ledger
