#pragma once
// SQL is written as named constants, one header per context, never inline
// in the code that runs it:
//   persistence/common/statements.hpp     schema migrations (this file)
//   persistence/payin/sql.hpp             the pay-in store
//   persistence/ledger/statements.hpp     every write to the ledger and the
//                                         wallet tables
//   persistence/refund/statements.hpp     refunds
//   persistence/payout/statements.hpp     pay-outs and fulfilment
//   persistence/reconcile/statements.hpp  reconciliation
//   persistence/access/statements.hpp     API keys
//   persistence/cluster/statements.hpp    cluster membership, takeover, jobs
// Each lives in namespace sql::<context>. A statement prepared once per
// store connection is a `statement` (name and text); every other one is a
// plain `const char*`.

namespace pay::persistence::sql {

struct statement {
  const char* name;
  const char* text;
};

}  // namespace pay::persistence::sql

namespace pay::persistence::sql::common {

// --- schema migrations ------------------------------------------------------
// Session-level advisory lock: it outlives the short statement that takes
// it, so several paymentd processes starting at once migrate one by one.
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
// NULL when no migration was recorded yet.
inline constexpr const char* schema_version =
  "SELECT max(version) FROM schema_migrations";
inline constexpr const char* applied_versions =
  "SELECT version FROM schema_migrations";
// $1 version, $2 file name.
inline constexpr const char* record_migration =
  "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)";

}  // namespace pay::persistence::sql::common
