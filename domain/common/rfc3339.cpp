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

}  // namespace pay::domain
