#pragma once
// The PSP fee both sides agreed on (issue 7): a rate in basis points of the
// gross plus a fixed part in the currency's minor units, for charge lines
// only. pspsim charges it; paymentd's reconciler checks it.

#include <cstdint>

namespace pay::domain {

// rate_bps is capped so a fee never exceeds the gross it is taken from
// (10000 bps = 100%); callers validate configuration against it.
inline constexpr std::uint32_t fee_rate_bps_max = 10'000;

struct fee_terms {
  std::uint32_t rate_bps = 290;   // 2.9%
  std::int64_t fixed_minor = 30;  // in the charge currency's minor units
};

// (gross_minor * rate_bps + 5000) / 10000 + fixed_minor: half-up rounding
// of the rate part. gross_minor must be >= 0 (a charge's gross); exact and
// without overflow for any gross up to INT64_MAX / 10000 * 10000 and any
// rate_bps <= fee_rate_bps_max.
std::int64_t agreed_fee_minor(std::int64_t gross_minor, fee_terms terms);

}  // namespace pay::domain
