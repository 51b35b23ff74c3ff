#pragma once
// Timestamps on the wire: RFC 3339 in UTC with microseconds, the same shape
// the database's rows are rendered in ("2026-12-02T01:02:03.456789Z").

#include <chrono>
#include <string>

namespace pay::domain {

std::string to_rfc3339_utc(std::chrono::system_clock::time_point at);

}  // namespace pay::domain
