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

}  // namespace pay::it
