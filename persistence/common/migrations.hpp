#pragma once
// Numbered SQL migrations, embedded at build time and applied at start-up.

#include <string>
#include <vector>

#include <pqxx/pqxx>

namespace pay::persistence {

struct migration {
  int version;
  const char* name;
  const char* sql;
};

const std::vector<migration>& embedded_migrations();

// Applies every migration newer than the schema table says, each in its own
// transaction, under an advisory lock so concurrent starts do not race.
// Returns the list of versions applied now (empty when up to date).
std::vector<int> apply_migrations(pqxx::connection& conn);

// The newest version the database has, 0 when none.
int schema_version(pqxx::connection& conn);

inline int latest_migration_version() {
  return embedded_migrations().empty() ? 0
                                       : embedded_migrations().back().version;
}

}  // namespace pay::persistence
