#include "domain/reconcile/settlement_fee.hpp"

#include "domain/common/assert.hpp"

namespace pay::domain {

std::int64_t agreed_fee_minor(std::int64_t gross_minor, fee_terms terms) {
  PAY_ASSERT(gross_minor >= 0);
  PAY_ASSERT(terms.rate_bps <= fee_rate_bps_max);
  // Split the gross at 10000 so neither product can overflow:
  // (q*10000 + r) * rate = q*rate*10000 + r*rate, and the rounding only
  // concerns the r*rate part.
  constexpr std::int64_t bps_per_unit = 10'000;
  const std::int64_t rate = terms.rate_bps;
  const std::int64_t whole = gross_minor / bps_per_unit;
  const std::int64_t rest = gross_minor % bps_per_unit;
  const std::int64_t rate_part = whole * rate
                                 + (rest * rate + bps_per_unit / 2)
                                     / bps_per_unit;
  PAY_ASSERT(rate_part >= 0 && rate_part <= gross_minor);
  return rate_part + terms.fixed_minor;
}

}  // namespace pay::domain
