// Direct SQL against paymentd's database, for checks the API cannot show and
// for setting up states (a crash's leftovers) it cannot reach.
#pragma once

#include <cstdint>
#include <string>

namespace pay::it {

// The single bigint of `sql` run with $1 = `param` (e.g. a count).
std::int64_t query_int(const std::string& database_url, const std::string& sql,
                       const std::string& param);

// Runs `sql` in one committed transaction. Throws on error.
void exec_sql(const std::string& database_url, const std::string& sql);

// `url` with its database name replaced by `database`, query string kept.
// Only URLs ("postgresql://..." or "postgres://...") are supported; empty
// otherwise.
std::string with_database(const std::string& url, const std::string& database);

// A database made for one test run or chaos round, through a superuser URL.
struct scratch_database {
  std::string url;    // of the new database
  std::string error;  // empty on success
};
scratch_database create_database(const std::string& admin_url,
                                 const std::string& name);

// DROP ... WITH (FORCE): a connection left open by a failed test must not
// keep it alive. Retried for a while: PostgreSQL may be coming back from a
// restart. Empty on success, else the last error.
std::string drop_database(const std::string& admin_url, const std::string& name,
                          int attempts_max = 20);

}  // namespace pay::it
