#include "pspsim/utc_date.hpp"

#include "domain/reconcile/utc_day.hpp"
#include "pspsim/check.hpp"

namespace pay::pspsim {

// The same calendar the reconciler reads the PSP's days with.
std::string utc_date_of(std::int64_t unix_s) {
  PSPSIM_CHECK(unix_s >= 0 && unix_s < domain::utc_unix_s_end);
  return domain::utc_date_of(unix_s);
}

std::optional<std::int64_t> utc_day_start(std::string_view date) {
  auto span = domain::utc_day_span_of(date);
  if (!span) return std::nullopt;
  return span->start_unix_s;
}

}  // namespace pay::pspsim
