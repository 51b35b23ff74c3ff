#pragma once
// A settlement day as the PSP's API speaks of it: a UTC calendar date
// ("2026-03-01") and the Unix seconds it spans. Stripe filters and stamps
// balance transactions in Unix seconds; our runs and lines are by date.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pay::domain {

struct utc_day_span {
  std::int64_t start_unix_s = 0;  // 00:00:00 UTC, inclusive
  std::int64_t end_unix_s = 0;    // the next day's start, exclusive
};

// Nothing for a text that is_settlement_date refuses.
std::optional<utc_day_span> utc_day_span_of(std::string_view date);

// 10000-01-01T00:00:00Z: a settlement date has a four-digit year.
inline constexpr std::int64_t utc_unix_s_end = 253'402'300'800;

// "YYYY-MM-DD" of the UTC day holding `unix_s`, in 0 .. utc_unix_s_end.
std::string utc_date_of(std::int64_t unix_s);

}  // namespace pay::domain
