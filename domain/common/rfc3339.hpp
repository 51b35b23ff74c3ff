#pragma once
// Timestamps on the wire: RFC 3339 in UTC with microseconds, the same shape
// the database's rows are rendered in ("2026-12-02T01:02:03.456789Z").

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pay::domain {

std::string to_rfc3339_utc(std::chrono::system_clock::time_point at);

// The wall clock in whole unix seconds: what the PSP stamps objects and
// keeps keys by.
std::int64_t unix_now_s();

// "2026-12-02T01:02:03.456789Z" (the shape above; the fraction is
// optional) -> whole unix seconds; nothing for any other text.
std::optional<std::int64_t> unix_s_of_rfc3339(std::string_view text);

}  // namespace pay::domain
