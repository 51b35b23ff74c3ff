#pragma once
// libpqxx 6.4 cannot bind a std::vector as an array parameter, so arrays go
// over the wire as PostgreSQL array literals. Every element is quoted and
// escaped, so no element can break out of the literal.

#include <cstdint>
#include <string>
#include <vector>

namespace pay::persistence {

std::string to_pg_array(const std::vector<std::string>& values);
std::string to_pg_array(const std::vector<std::int64_t>& values);

}  // namespace pay::persistence
