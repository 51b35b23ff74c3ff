#include "testkit/invariants.hpp"

#include <chrono>
#include <thread>
#include <vector>

#include <pqxx/pqxx>

#include "testkit/json_read.hpp"
#include "testkit/sim.hpp"

namespace pay::it {

namespace {

namespace json = boost::json;

// Each query returns one text column: a description of one violation.
struct violation_query {
  const char* what;
  const char* sql;
};

constexpr violation_query unsettled_query = {
  "orders or checkouts still unfinished",
  "SELECT 'order ' || payment_order_id || ' ' || status::text"
  "       || ' wallet_updated=' || wallet_updated"
  "       || ' ledger_updated=' || ledger_updated"
  "  FROM payment_order o"
  " WHERE (status IN ('NOT_STARTED', 'EXECUTING', 'PENDING', 'CAPTURING',"
  "                   'VOIDING')"
  // An authorization waits for its fulfilment (or its review) in the
  // database: settled until the merchant or the clock moves it.
  "        OR (status = 'AUTHORIZED' AND next_poll_at IS NULL)"
  "        OR (status = 'SUCCESS' AND NOT (wallet_updated AND ledger_updated)))"
  "   AND NOT EXISTS (SELECT 1 FROM dead_letter d"
  "                    WHERE d.payment_order_id = o.payment_order_id"
  "                      AND d.status = 'open')"
  " UNION ALL "
  "SELECT 'checkout ' || e.checkout_id || ' all SUCCESS but not done'"
  "  FROM payment_event e"
  " WHERE NOT e.is_payment_done"
  "   AND NOT EXISTS (SELECT 1 FROM payment_order o"
  "                    WHERE o.checkout_id = e.checkout_id"
  "                      AND NOT (o.status = 'SUCCESS' AND o.wallet_updated"
  "                               AND o.ledger_updated))"
  "   AND NOT EXISTS (SELECT 1 FROM payment_order o"
  "                    JOIN dead_letter d USING (payment_order_id)"
  "                   WHERE o.checkout_id = e.checkout_id"
  "                     AND d.status = 'open')"};

constexpr violation_query checks[] = {
  {"1. ledger transactions that do not sum to zero per currency",
   "SELECT 'tx ' || transaction_id || ' ' || currency || ' sums to '"
   "       || sum(amount_minor)"
   "  FROM ledger_entry GROUP BY transaction_id, currency"
   " HAVING sum(amount_minor) <> 0"},
  {"1. ledger transactions without entries",
   "SELECT 'tx ' || t.id || ' ' || t.kind || ' ' || t.reference"
   "  FROM ledger_transaction t"
   " WHERE NOT EXISTS (SELECT 1 FROM ledger_entry e"
   "                    WHERE e.transaction_id = t.id)"},
  {"2. wallets whose balance is not minus their seller_payable entries",
   "SELECT w.seller_account || ' ' || w.currency || ' balance '"
   "       || w.balance_minor || ' ledger ' || coalesce(-sum(e.amount_minor), 0)"
   "  FROM wallet w LEFT JOIN ledger_entry e"
   "    ON e.account = 'seller_payable:' || w.seller_account"
   "   AND e.currency = w.currency"
   " GROUP BY w.seller_account, w.currency, w.balance_minor"
   " HAVING w.balance_minor <> coalesce(-sum(e.amount_minor), 0)"},
  // What we owe a seller: their pay-ins, less refunds the PSP made and
  // pay-outs not (yet) failed, plus what finance credited them when it
  // resolved a reconciliation exception (a suspense correction).
  {"2. wallets whose balance is not credits - refunds - pay-outs",
   "SELECT w.seller_account || ' ' || w.currency || ' balance '"
   "       || w.balance_minor || ' expected '"
   "       || (c.sum - r.sum - p.sum + f.sum)"
   "  FROM wallet w,"
   "  LATERAL (SELECT coalesce(sum(amount_minor), 0) AS sum FROM wallet_credit"
   "            WHERE seller_account = w.seller_account"
   "              AND currency = w.currency) c,"
   "  LATERAL (SELECT coalesce(sum(amount_minor), 0) AS sum FROM refund"
   "            WHERE seller_account = w.seller_account"
   "              AND currency = w.currency AND status = 'SUCCEEDED') r,"
   "  LATERAL (SELECT coalesce(sum(amount_minor), 0) AS sum FROM payout"
   "            WHERE seller_account = w.seller_account"
   "              AND currency = w.currency AND status <> 'FAILED') p,"
   "  LATERAL (SELECT coalesce(-sum(e.amount_minor), 0) AS sum"
   "             FROM ledger_entry e JOIN ledger_transaction t"
   "               ON t.id = e.transaction_id"
   "            WHERE t.kind = 'suspense_correction'"
   "              AND e.account = 'seller_payable:' || w.seller_account"
   "              AND e.currency = w.currency) f"
   " WHERE w.balance_minor <> c.sum - r.sum - p.sum + f.sum"},
  {"2. payouts_in_transit that is not the pay-outs in flight",
   "SELECT c.currency || ' in flight ' || coalesce(p.sum, 0) || ' ledger '"
   "       || coalesce(-l.sum, 0)"
   "  FROM (SELECT currency FROM payout UNION SELECT currency FROM ledger_entry"
   "         WHERE account = 'payouts_in_transit') c"
   "  LEFT JOIN (SELECT currency, sum(amount_minor) AS sum FROM payout"
   "              WHERE status NOT IN ('PAID', 'FAILED') GROUP BY currency) p"
   "    ON p.currency = c.currency"
   "  LEFT JOIN (SELECT currency, sum(amount_minor) AS sum FROM ledger_entry"
   "              WHERE account = 'payouts_in_transit' GROUP BY currency) l"
   "    ON l.currency = c.currency"
   " WHERE coalesce(p.sum, 0) <> coalesce(-l.sum, 0)"},
  {"2. orders refunded beyond what they captured",
   "SELECT 'order ' || o.payment_order_id || ' amount ' || o.amount_minor"
   "       || ' refunds ' || sum(r.amount_minor)"
   "  FROM payment_order o JOIN refund r"
   "    ON r.payment_order_id = o.payment_order_id AND r.status <> 'FAILED'"
   " GROUP BY o.payment_order_id, o.amount_minor"
   " HAVING sum(r.amount_minor) > o.amount_minor"},
  {"2. succeeded refunds and sent pay-outs without their ledger transaction",
   "SELECT 'refund ' || refund_id FROM refund r WHERE status = 'SUCCEEDED'"
   "   AND NOT EXISTS (SELECT 1 FROM ledger_transaction t"
   "                    WHERE t.kind = 'refund' AND t.reference = r.refund_id)"
   " UNION ALL "
   "SELECT 'payout ' || payout_id FROM payout p"
   " WHERE NOT EXISTS (SELECT 1 FROM ledger_transaction t"
   "                    WHERE t.kind = 'payout_sent' AND t.reference = p.payout_id)"
   "    OR (status = 'PAID') <> EXISTS (SELECT 1 FROM ledger_transaction t"
   "                    WHERE t.kind = 'payout_paid' AND t.reference = p.payout_id)"
   "    OR (status = 'FAILED') <> EXISTS (SELECT 1 FROM ledger_transaction t"
   "                    WHERE t.kind = 'payout_failed' AND t.reference = p.payout_id)"},
  {"2. wallet credits without a wallet row",
   "SELECT 'order ' || c.payment_order_id || ' ' || c.seller_account || ' '"
   "       || c.currency FROM wallet_credit c"
   " WHERE NOT EXISTS (SELECT 1 FROM wallet w"
   "                    WHERE w.seller_account = c.seller_account"
   "                      AND w.currency = c.currency)"},
  {"2. seller_payable entries without a wallet row",
   "SELECT DISTINCT e.account || ' ' || e.currency FROM ledger_entry e"
   " WHERE starts_with(e.account, 'seller_payable:')"
   "   AND NOT EXISTS (SELECT 1 FROM wallet w"
   "                    WHERE e.account = 'seller_payable:' || w.seller_account"
   "                      AND w.currency = e.currency)"},
  {"3. booked SUCCESS orders without exactly one matching credit and payin",
   "SELECT 'order ' || o.payment_order_id || ' credits ' || c.n"
   "       || ' matching credits ' || c.matching || ' payin txs ' || t.n"
   "       || ' entries ' || t.entries || ' matching entries ' || t.matching"
   "  FROM payment_order o,"
   "  LATERAL (SELECT count(*) AS n,"
   "                  count(*) FILTER (WHERE c.seller_account = o.seller_account"
   "                    AND c.currency = o.currency"
   "                    AND c.amount_minor = o.amount_minor) AS matching"
   "             FROM wallet_credit c"
   "            WHERE c.payment_order_id = o.payment_order_id) c,"
   "  LATERAL (SELECT count(DISTINCT t.id) AS n, count(e.id) AS entries,"
   "                  count(e.id) FILTER (WHERE e.currency = o.currency AND"
   "                    ((e.account = 'psp_receivable'"
   "                      AND e.amount_minor = o.amount_minor)"
   "                  OR (e.account = 'seller_payable:' || o.seller_account"
   "                      AND e.amount_minor = -o.amount_minor))) AS matching"
   "             FROM ledger_transaction t"
   "             LEFT JOIN ledger_entry e ON e.transaction_id = t.id"
   "            WHERE t.kind = 'payin'"
   "              AND t.reference = o.payment_order_id) t"
   " WHERE o.status = 'SUCCESS' AND o.wallet_updated AND o.ledger_updated"
   "   AND NOT (c.n = 1 AND c.matching = 1 AND t.n = 1 AND t.entries = 2"
   "            AND t.matching = 2)"},
  {"3. flags that disagree with the credit and ledger rows",
   "SELECT 'order ' || o.payment_order_id || ' wallet_updated='"
   "       || o.wallet_updated || ' ledger_updated=' || o.ledger_updated"
   "  FROM payment_order o"
   " WHERE o.wallet_updated <> EXISTS (SELECT 1 FROM wallet_credit c"
   "                 WHERE c.payment_order_id = o.payment_order_id)"
   "    OR o.ledger_updated <> EXISTS (SELECT 1 FROM ledger_transaction t"
   "                 WHERE t.kind = 'payin'"
   "                   AND t.reference = o.payment_order_id)"},
  {"3. non-SUCCESS orders with a wallet credit or ledger transaction",
   "SELECT 'order ' || o.payment_order_id || ' ' || o.status::text"
   "  FROM payment_order o"
   " WHERE o.status <> 'SUCCESS'"
   "   AND (EXISTS (SELECT 1 FROM wallet_credit c"
   "                 WHERE c.payment_order_id = o.payment_order_id)"
   "     OR EXISTS (SELECT 1 FROM ledger_transaction t"
   "                 WHERE t.reference = o.payment_order_id))"},
  {"3. payin transactions that belong to no order",
   "SELECT 'tx ' || t.id || ' reference ' || t.reference"
   "  FROM ledger_transaction t"
   " WHERE t.kind = 'payin' AND NOT EXISTS (SELECT 1 FROM payment_order o"
   "                 WHERE o.payment_order_id = t.reference)"},
  // The state machine only moves forward: REVIEW (our risk hold) comes
  // before NOT_STARTED, PENDING (the PSP decides later) after EXECUTING;
  // after an authorization, REVIEW (the card rules' hold) and AUTHORIZED
  // come before CAPTURING and VOIDING, and those before the end.
  {"5. order histories that go backwards",
   "SELECT 'order ' || payment_order_id || ' ' || prev || ' -> '"
   "       || to_status::text || ' at seq ' || seq"
   "  FROM (SELECT payment_order_id, seq, to_status,"
   "               lag(to_status::text) OVER w AS prev,"
   "               max(CASE WHEN to_status = 'REVIEW' AND from_status = 'NOT_STARTED'"
   "                     THEN 0"
   "                     WHEN to_status = 'NOT_STARTED' THEN 1"
   "                     WHEN to_status = 'EXECUTING' THEN 2"
   "                     WHEN to_status = 'PENDING' THEN 3"
   "                     WHEN to_status IN ('REVIEW', 'AUTHORIZED') THEN 4"
   "                     WHEN to_status IN ('CAPTURING', 'VOIDING') THEN 5"
   "                     ELSE 6 END) OVER"
   "                 (PARTITION BY payment_order_id ORDER BY seq"
   "                  ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)"
   "                 AS rank_before,"
   "               CASE WHEN to_status = 'REVIEW' AND from_status = 'NOT_STARTED'"
   "                 THEN 0"
   "                 WHEN to_status = 'NOT_STARTED' THEN 1"
   "                 WHEN to_status = 'EXECUTING' THEN 2"
   "                 WHEN to_status = 'PENDING' THEN 3"
   "                 WHEN to_status IN ('REVIEW', 'AUTHORIZED') THEN 4"
   "                 WHEN to_status IN ('CAPTURING', 'VOIDING') THEN 5"
   "                 ELSE 6 END AS rank_now,"
   "               lag(to_status::text) OVER w IN ('SUCCESS', 'FAILED', 'VOIDED')"
   "                 AND from_status <> to_status AS after_final"
   "          FROM payment_order_history"
   "        WINDOW w AS (PARTITION BY payment_order_id ORDER BY seq)) h"
   " WHERE rank_now < rank_before OR after_final"},
  {"3. checkouts marked done with an order that did not succeed",
   "SELECT 'checkout ' || e.checkout_id FROM payment_event e"
   " WHERE e.is_payment_done"
   "   AND EXISTS (SELECT 1 FROM payment_order o"
   "                WHERE o.checkout_id = e.checkout_id"
   "                  AND o.status <> 'SUCCESS')"},
};

constexpr const char* orders_for_psp_check =
  "SELECT payment_order_id, status::text, amount_minor, lower(currency),"
  "       coalesce(psp_reference, ''),"
  "       maybe_charged AND EXISTS (SELECT 1 FROM dead_letter d"
  "                  WHERE d.payment_order_id = payment_order.payment_order_id"
  "                    AND d.status = 'open')"
  "  FROM payment_order";

constexpr const char* tables_counted[] = {"payment_event",
                                          "payment_order",
                                          "wallet",
                                          "wallet_credit",
                                          "ledger_transaction",
                                          "ledger_entry",
                                          "payment_order_history",
                                          "idempotency_key",
                                          "dead_letter",
                                          "refund",
                                          "payout",
                                          "reconciliation_exception"};

constexpr std::size_t violations_shown_max = 20;

std::vector<std::string> run(pqxx::connection& conn, const char* sql) {
  pqxx::read_transaction txn{conn};
  std::vector<std::string> out;
  for (const auto& row : txn.exec(sql))
    out.push_back(row[0].is_null() ? "<null>" : row[0].c_str());
  return out;
}

std::string listed(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < violations_shown_max; ++i)
    out += "\n  " + items[i];
  if (items.size() > violations_shown_max)
    out += "\n  ... and " + std::to_string(items.size() - violations_shown_max)
           + " more";
  return out;
}

void wait_until_quiet(pqxx::connection& conn, std::uint32_t timeout_ms,
                      std::vector<std::string>& violations) {
  const auto deadline = std::chrono::steady_clock::now()
                        + std::chrono::milliseconds{timeout_ms};
  while (true) {
    const auto unsettled = run(conn, unsettled_query.sql);
    if (unsettled.empty()) return;
    if (std::chrono::steady_clock::now() >= deadline) {
      violations.push_back(std::string{unsettled_query.what} + " after "
                           + std::to_string(timeout_ms)
                           + " ms:" + listed(unsettled));
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
}

struct stored_order {
  std::string status;
  std::int64_t amount_minor = 0;
  std::string currency_lower;
  std::string psp_reference;
  bool dead_lettered_maybe_charged = false;
};

std::map<std::string, stored_order> load_orders(pqxx::connection& conn) {
  pqxx::read_transaction txn{conn};
  std::map<std::string, stored_order> out;
  for (const auto& row : txn.exec(orders_for_psp_check))
    out[row[0].c_str()] = stored_order{row[1].c_str(),
                                       row[2].as<std::int64_t>(),
                                       row[3].c_str(), row[4].c_str(),
                                       row[5].as<bool>()};
  return out;
}

// 4: what pspsim did agrees with what paymentd stored.
void check_psp_agrees(pqxx::connection& conn, http::sync_client& sim,
                      std::vector<std::string>& violations) {
  auto snapshot = read_sim(sim);
  if (!snapshot.error.empty()) {
    violations.push_back("4. cannot read pspsim: " + snapshot.error);
    return;
  }
  for (const auto& [key, times] : snapshot.idempotency_keys)
    if (!times.is_int64() || times.as_int64() > 1)
      violations.push_back("4. pspsim charged idempotency key "
                           + std::string{key} + " " + json::serialize(times)
                           + " times");
  // pspsim refuses a second capture of an intent and counts any that got
  // through: there must be none.
  const auto stats = sim.get("/sim/stats");
  if (stats.ok && stats.res.result_int() == 200) {
    const auto counted = json_of(stats);
    if (counted.is_object() && counted.as_object().contains("double_captures")
        && counted.at("double_captures") != json::value(0))
      violations.push_back("4. pspsim captured an intent twice: "
                           + json::serialize(counted));
  }
  const auto orders = load_orders(conn);
  std::map<std::string, std::vector<json::object>> by_key;
  for (const auto& c : snapshot.charges) {
    const auto key = string_at(c, {"idempotency_key"});
    by_key[key].push_back(c.as_object());
    const auto it = orders.find(key);
    // An authorization nobody captured charged nothing: it only has to be
    // one of ours. Money taken belongs to a SUCCESS order (or one an
    // operator must look at), never to a voided one, and never more than
    // was authorized.
    const auto& charge = c.as_object();
    const bool captured = !charge.contains("captured")
                          || charge.at("captured") == json::value(true);
    bool owned = it != orders.end()
                 && (!captured || it->second.status == "SUCCESS"
                     || it->second.dead_lettered_maybe_charged);
    if (!owned)
      violations.push_back("4. pspsim charge " + json::serialize(c)
                           + " belongs to no SUCCESS order and no "
                             "dead-lettered order that may have been charged");
    if (captured && it != orders.end() && it->second.status == "VOIDED")
      violations.push_back("4. order " + key + " is VOIDED but pspsim "
                           "captured its charge " + json::serialize(c));
    if (charge.contains("amount_captured")
        && charge.at("amount_captured").to_number<std::int64_t>()
             > charge.at("amount").to_number<std::int64_t>())
      violations.push_back("4. pspsim captured more than authorized: "
                           + json::serialize(c));
  }
  for (const auto& [id, order] : orders) {
    if (order.status != "SUCCESS") continue;
    const auto& mine = by_key[id];
    if (mine.size() != 1) {
      violations.push_back("4. SUCCESS order " + id + " has "
                           + std::to_string(mine.size())
                           + " charges at pspsim, expected 1");
      continue;
    }
    const auto& charge = mine.front();
    const auto& taken = charge.contains("amount_captured")
                          ? charge.at("amount_captured")
                          : charge.at("amount");
    if (taken.to_number<std::int64_t>() != order.amount_minor
        || string_at(charge, {"currency"}) != order.currency_lower
        || string_at(charge, {"payment_intent"}) != order.psp_reference)
      violations.push_back("4. order " + id + " disagrees with its charge "
                           + json::serialize(charge));
  }
}

}  // namespace

std::vector<std::string> find_violations(const std::string& database_url,
                                         http::sync_client& sim,
                                         std::uint32_t settle_timeout_ms) {
  std::vector<std::string> violations;
  try {
    pqxx::connection conn{database_url};
    wait_until_quiet(conn, settle_timeout_ms, violations);
    for (const auto& check : checks) {
      const auto found = run(conn, check.sql);
      if (!found.empty())
        violations.push_back(std::string{check.what} + ":" + listed(found));
    }
    check_psp_agrees(conn, sim, violations);
  } catch (const std::exception& e) {
    violations.push_back(std::string{"invariant check could not run: "}
                         + e.what());
  }
  return violations;
}

row_counts count_rows(const std::string& database_url, http::sync_client& sim) {
  row_counts out;
  pqxx::connection conn{database_url};
  pqxx::read_transaction txn{conn};
  for (const char* table : tables_counted)
    out[table] = txn.exec1(std::string{"SELECT count(*) FROM "} + table)[0]
                   .as<std::int64_t>();
  out["pspsim charges"] = static_cast<std::int64_t>(
    read_sim(sim).charges.size());
  return out;
}

}  // namespace pay::it
