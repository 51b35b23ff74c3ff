#include "domain/common/backoff.hpp"

#include <algorithm>
#include <functional>
#include <random>
#include <string>

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

namespace {

std::uint64_t process_seed() {
  static const std::uint64_t seed =
    (static_cast<std::uint64_t>(std::random_device{}()) << 32)
    ^ std::random_device{}();
  return seed;
}

}  // namespace

retry_jitter::retry_jitter(std::string_view entity_id)
    : state_(std::hash<std::string_view>{}(entity_id) ^ process_seed()) {}

std::uint64_t retry_jitter::next() {
  auto z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

std::uint32_t retry_jitter::delay_ms(const backoff_policy& policy,
                                     std::uint32_t attempt) {
  return backoff_delay_ms(policy, attempt, next());
}

}  // namespace pay::domain
