// detect_schema and wait_quiescent (declared in checks.hpp).
#include <algorithm>
#include <chrono>
#include <thread>

#include <pqxx/pqxx>

#include "tools/chaos/checks.hpp"
#include "tools/chaos/sql_checks.hpp"

namespace pay::chaos {

namespace {

using clock_type = std::chrono::steady_clock;
constexpr std::chrono::milliseconds poll_interval{200};

bool has_table(pqxx::connection& conn, const char* name) {
  pqxx::read_transaction txn{conn};
  return txn.exec_params1(sql::table_exists, name)[0].as<bool>();
}

std::vector<std::string> rows_of(pqxx::connection& conn,
                                 const std::string& query) {
  pqxx::read_transaction txn{conn};
  std::vector<std::string> out;
  for (const auto& row : txn.exec(query)) out.push_back(row[0].c_str());
  return out;
}

// Polls `query` until it returns nothing or `deadline`; the rows of the
// last look (an unreachable database is one row).
std::vector<std::string> poll_until_empty(const std::string& database_url,
                                          const std::string& query,
                                          clock_type::time_point deadline) {
  while (true) {
    std::vector<std::string> rows;
    try {
      // A new connection per look: PostgreSQL may have restarted.
      pqxx::connection conn{database_url};
      rows = rows_of(conn, query);
    } catch (const std::exception& e) {
      rows = {std::string{"database unreachable: "} + e.what()};
    }
    if (rows.empty() || clock_type::now() >= deadline) return rows;
    std::this_thread::sleep_for(poll_interval);
  }
}

}  // namespace

std::string detect_schema(const std::string& database_url,
                          schema_features& out) {
  try {
    pqxx::connection conn{database_url};
    out.history = has_table(conn, "payment_order_history");
    out.dead_letter = has_table(conn, "dead_letter");
    out.idempotency_keys = has_table(conn, "idempotency_key");
    out.refunds = has_table(conn, "refund");
    out.payouts = has_table(conn, "payout");
  } catch (const std::exception& e) {
    return std::string{"cannot read paymentd's schema: "} + e.what();
  }
  return {};
}

quiesce_result wait_quiescent(const std::string& database_url,
                              const schema_features& schema,
                              std::uint32_t timeout_ms) {
  const auto started = clock_type::now();
  const auto deadline = started + std::chrono::milliseconds{timeout_ms};
  std::string orders = sql::unsettled_orders;
  if (schema.dead_letter) orders += sql::outside_dlq;
  if (schema.refunds && schema.payouts)
    orders += std::string{" UNION ALL "} + sql::unsettled_money_movements;
  quiesce_result out;
  out.unsettled = poll_until_empty(database_url, orders, deadline);
  out.orders_settled = out.unsettled.empty();
  if (out.orders_settled) {
    const auto grace_end = std::min(
      deadline,
      clock_type::now() + std::chrono::milliseconds{checkout_mark_grace_ms});
    out.unsettled = poll_until_empty(database_url,
                                     sql::checkouts_not_marked_done, grace_end);
  }
  out.quiescent = out.unsettled.empty();
  out.waited_ms = static_cast<std::uint32_t>(
    std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now()
                                                          - started)
      .count());
  return out;
}

}  // namespace pay::chaos
