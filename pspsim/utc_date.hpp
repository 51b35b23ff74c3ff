// UTC calendar days for settlement files: the day a unix time falls on, and
// the unix seconds a day spans.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pay::pspsim {

constexpr std::int64_t seconds_per_day = 86'400;

// 0 -> "1970-01-01". unix_s >= 0.
std::string utc_date_of(std::int64_t unix_s);

// The first second of a "YYYY-MM-DD" day (domain::is_settlement_date), or
// nullopt for anything else.
std::optional<std::int64_t> utc_day_start(std::string_view date);

}  // namespace pay::pspsim
