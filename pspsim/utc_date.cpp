#include "pspsim/utc_date.hpp"

#include "domain/reconcile/settlement_csv.hpp"
#include "pspsim/check.hpp"

namespace pay::pspsim {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
// days_from_civil), and back.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct civil {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

civil civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

unsigned digits_value(std::string_view digits) {
  unsigned value = 0;
  for (const char c : digits)
    value = value * 10 + static_cast<unsigned>(c - '0');
  return value;
}

}  // namespace

std::string utc_date_of(std::int64_t unix_s) {
  PSPSIM_CHECK(unix_s >= 0);
  const civil c = civil_from_days(unix_s / seconds_per_day);
  PSPSIM_CHECK(c.year <= 9999);
  const auto year = static_cast<unsigned>(c.year);
  std::string text = "0000-00-00";
  text[0] = static_cast<char>('0' + year / 1000);
  text[1] = static_cast<char>('0' + year / 100 % 10);
  text[2] = static_cast<char>('0' + year / 10 % 10);
  text[3] = static_cast<char>('0' + year % 10);
  text[5] = static_cast<char>('0' + c.month / 10);
  text[6] = static_cast<char>('0' + c.month % 10);
  text[8] = static_cast<char>('0' + c.day / 10);
  text[9] = static_cast<char>('0' + c.day % 10);
  return text;
}

std::optional<std::int64_t> utc_day_start(std::string_view date) {
  if (!domain::is_settlement_date(date)) return std::nullopt;
  const std::int64_t days = days_from_civil(digits_value(date.substr(0, 4)),
                                            digits_value(date.substr(5, 2)),
                                            digits_value(date.substr(8, 2)));
  return days * seconds_per_day;
}

}  // namespace pay::pspsim
