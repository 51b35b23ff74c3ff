#include "domain/reconcile/utc_day.hpp"

#include "domain/common/assert.hpp"
#include "domain/reconcile/settlement_csv.hpp"

namespace pay::domain {

namespace {

constexpr std::int64_t seconds_per_day = 86'400;

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian,
// exact for every date is_settlement_date accepts): no time zone database,
// no locale, no std::tm.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146'097 + static_cast<std::int64_t>(doe) - 719'468;
}

struct civil_date {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

civil_date civil_from_days(std::int64_t z) {
  z += 719'468;
  const std::int64_t era = (z >= 0 ? z : z - 146'096) / 146'097;
  const auto doe = static_cast<unsigned>(z - era * 146'097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36'524 - doe / 146'096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

unsigned digits(std::string_view text) {
  unsigned value = 0;
  for (const char c : text) value = value * 10 + static_cast<unsigned>(c - '0');
  return value;
}

// Writes `value` as `width` digits at `pos`, zero-padded.
void write_digits(std::string& text, std::size_t pos, std::size_t width,
                  unsigned value) {
  for (std::size_t i = width; i-- > 0; value /= 10)
    text[pos + i] = static_cast<char>('0' + value % 10);
}

}  // namespace

std::optional<utc_day_span> utc_day_span_of(std::string_view date) {
  if (!is_settlement_date(date)) return std::nullopt;
  const std::int64_t days = days_from_civil(digits(date.substr(0, 4)),
                                            digits(date.substr(5, 2)),
                                            digits(date.substr(8, 2)));
  return utc_day_span{days * seconds_per_day, (days + 1) * seconds_per_day};
}

std::string utc_date_of(std::int64_t unix_s) {
  PAY_ASSERT(unix_s >= 0 && unix_s < utc_unix_s_end);
  const civil_date c = civil_from_days(unix_s / seconds_per_day);
  std::string text = "0000-00-00";
  write_digits(text, 0, 4, static_cast<unsigned>(c.year));
  write_digits(text, 5, 2, c.month);
  write_digits(text, 8, 2, c.day);
  return text;
}

}  // namespace pay::domain
