#include "domain/backoff.hpp"

#include <algorithm>

namespace pay::domain {

std::uint32_t backoff_ceiling_ms(const backoff_policy& policy,
                                 std::uint32_t attempt) {
  std::uint64_t ceiling = policy.base_ms;
  for (std::uint32_t i = 0; i < attempt && ceiling < policy.delay_ms_max; ++i)
    ceiling *= 2;
  return static_cast<std::uint32_t>(
    std::min<std::uint64_t>(ceiling, policy.delay_ms_max));
}

std::uint32_t backoff_delay_ms(const backoff_policy& policy,
                               std::uint32_t attempt, std::uint64_t random) {
  auto ceiling = backoff_ceiling_ms(policy, attempt);
  return static_cast<std::uint32_t>(random % (std::uint64_t{ceiling} + 1));
}

}  // namespace pay::domain
