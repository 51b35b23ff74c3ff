#include "persistence/common/migrations.hpp"

#include <set>

#include "persistence/common/statements.hpp"

namespace pay::persistence {

namespace {

// Session-level advisory lock: it outlives the short statement that takes it,
// so several paymentd processes starting at once apply migrations one by one.
void run_outside_transaction(pqxx::connection& conn, const char* statement) {
  pqxx::nontransaction txn{conn};
  txn.exec(statement);
}

}  // namespace

int schema_version(pqxx::connection& conn) {
  pqxx::work txn{conn};
  auto exists = txn.exec1(sql::common::schema_table_exists);
  if (!exists[0].as<bool>()) return 0;
  auto row = txn.exec1(sql::common::schema_version);
  return row[0].is_null() ? 0 : row[0].as<int>();
}

std::vector<int> apply_migrations(pqxx::connection& conn) {
  std::vector<int> applied;
  run_outside_transaction(conn, sql::common::migration_lock);
  try {
    run_outside_transaction(conn, sql::common::create_schema_table);
    // Every version not recorded, not only those above the highest: a
    // database may have met a later version before an earlier one existed
    // (two changes landing in either order).
    std::set<int> done;
    {
      pqxx::read_transaction txn{conn};
      for (const auto& row : txn.exec(sql::common::applied_versions))
        done.insert(row[0].as<int>());
    }
    for (const auto& m : embedded_migrations()) {
      if (done.count(m.version)) continue;
      pqxx::work txn{conn};
      txn.exec0(m.sql);
      txn.exec_params0(sql::common::record_migration, m.version, m.name);
      txn.commit();
      applied.push_back(m.version);
    }
  } catch (...) {
    run_outside_transaction(conn, sql::common::migration_unlock);
    throw;
  }
  run_outside_transaction(conn, sql::common::migration_unlock);
  return applied;
}

}  // namespace pay::persistence
