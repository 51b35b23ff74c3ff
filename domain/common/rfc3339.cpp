#include "domain/common/rfc3339.hpp"

#include <cstdio>
#include <ctime>

namespace pay::domain {

std::string to_rfc3339_utc(std::chrono::system_clock::time_point at) {
  using namespace std::chrono;
  auto since_epoch_us = duration_cast<microseconds>(at.time_since_epoch());
  auto seconds = duration_cast<std::chrono::seconds>(since_epoch_us);
  auto micros = (since_epoch_us - seconds).count();
  if (micros < 0) {  // before 1970: borrow a second
    micros += 1'000'000;
    seconds -= std::chrono::seconds{1};
  }
  std::time_t t = static_cast<std::time_t>(seconds.count());
  std::tm utc{};
  gmtime_r(&t, &utc);
  char buf[96];  // roomy: the compiler cannot prove the fields are small
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ",
                utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour,
                utc.tm_min, utc.tm_sec, static_cast<long>(micros));
  return buf;
}

std::int64_t unix_now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

std::optional<std::int64_t> unix_s_of_rfc3339(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS, then an optional fraction, then Z.
  if (text.size() < 20 || text.back() != 'Z') return std::nullopt;
  for (std::size_t i : {4, 7})
    if (text[i] != '-') return std::nullopt;
  if (text[10] != 'T' || text[13] != ':' || text[16] != ':')
    return std::nullopt;
  auto number = [&](std::size_t pos, std::size_t width, int& out) {
    out = 0;
    for (std::size_t i = pos; i < pos + width; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      out = out * 10 + (text[i] - '0');
    }
    return true;
  };
  std::tm utc{};
  if (!number(0, 4, utc.tm_year) || !number(5, 2, utc.tm_mon)
      || !number(8, 2, utc.tm_mday) || !number(11, 2, utc.tm_hour)
      || !number(14, 2, utc.tm_min) || !number(17, 2, utc.tm_sec))
    return std::nullopt;
  if (text.size() > 20 && text[19] != '.') return std::nullopt;
  if (utc.tm_mon < 1 || utc.tm_mon > 12 || utc.tm_mday < 1 || utc.tm_mday > 31
      || utc.tm_hour > 23 || utc.tm_min > 59 || utc.tm_sec > 60)
    return std::nullopt;
  utc.tm_year -= 1900;
  utc.tm_mon -= 1;
  return static_cast<std::int64_t>(timegm(&utc));
}

}  // namespace pay::domain
