#include "tools/chaos/fence_check.hpp"

#include <pqxx/pqxx>

namespace pay::chaos {

namespace {

// One row per late write, worded; also rows naming an incarnation that
// never joined (a writer the fence cannot have known).
constexpr const char* late_writes =
  "WITH writes AS ("
  "  SELECT 'payment_order_history' AS tbl,"
  "         h.payment_order_id || ' seq ' || h.seq AS what,"
  "         h.written_by, h.at"
  "    FROM payment_order_history h WHERE h.written_by IS NOT NULL"
  "  UNION ALL"
  "  SELECT 'ledger_transaction', t.kind || ' ' || t.reference,"
  "         t.written_by, t.created_at"
  "    FROM ledger_transaction t WHERE t.written_by IS NOT NULL)"
  " SELECT w.tbl || ' row ' || w.what || ' written by ' || w.written_by"
  "        || CASE WHEN c.node_id IS NULL"
  "                THEN ', an incarnation that never joined'"
  "                ELSE ' at ' || to_char(w.at, 'HH24:MI:SS.US')"
  "                     || ', after its lease ended at '"
  "                     || to_char(c.lease_expires_at, 'HH24:MI:SS.US')"
  "                     || ' (' || (extract(epoch FROM w.at"
  "                                 - c.lease_expires_at) * 1000)::bigint"
  "                     || ' ms later)' END"
  "   FROM writes w"
  "   LEFT JOIN cluster_node c"
  "     ON c.node_id || ':' || c.epoch = w.written_by"
  "  WHERE c.node_id IS NULL OR w.at > c.lease_expires_at"
  "  ORDER BY w.at LIMIT 40";

constexpr const char* counts =
  "SELECT (SELECT count(*) FROM cluster_node),"
  "       (SELECT count(*) FROM payment_order_history"
  "         WHERE written_by IS NOT NULL)"
  "       + (SELECT count(*) FROM ledger_transaction"
  "           WHERE written_by IS NOT NULL)";

}  // namespace

fence_check_result check_fenced_writes(const std::string& database_url) {
  fence_check_result out;
  try {
    pqxx::connection conn{database_url};
    pqxx::read_transaction txn{conn};
    for (const auto& row : txn.exec(late_writes))
      out.found.push_back({invariant::fenced_after_takeover, row[0].c_str()});
    const auto n = txn.exec1(counts);
    out.incarnations = n[0].as<std::int64_t>();
    out.rows_checked = n[1].as<std::int64_t>();
  } catch (const std::exception& e) {
    out.found.push_back(
      {invariant::harness,
       std::string{"cannot check the writes of dead incarnations: "}
         + e.what()});
  }
  return out;
}

}  // namespace pay::chaos
