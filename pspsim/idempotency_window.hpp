// How long an Idempotency-Key is remembered. Stripe keeps keys about 24 h;
// after that the same key is a new request that creates a new object, which
// is why paymentd must look a stale object up by its id, never POST again.
#pragma once

#include <cstdint>

namespace pay::pspsim {

constexpr std::int64_t idempotency_key_ttl_s_default = 86'400;

// On the simulated clock (sim_time::unix_s), so tests expire keys by
// advancing it.
constexpr bool key_expired(std::int64_t first_used_unix_s,
                           std::int64_t now_unix_s, std::int64_t ttl_s) {
  return now_unix_s - first_used_unix_s >= ttl_s;
}

}  // namespace pay::pspsim
