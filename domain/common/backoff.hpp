#pragma once
// Exponential backoff with full jitter: the delay before retry `attempt` is
// uniform in [0, min(cap, base * 2^attempt)], so a crowd of failed orders
// does not retry in lock-step.

#include <cstdint>
#include <string_view>

namespace pay::domain {

struct backoff_policy {
  std::uint32_t base_ms = 100;
  std::uint32_t delay_ms_max = 10'000;
  std::uint32_t attempts_max = 8;
};

// Upper bound of the jitter window for `attempt` (0-based), saturating.
std::uint32_t backoff_ceiling_ms(const backoff_policy& policy,
                                 std::uint32_t attempt);

// `random` is any uniformly distributed 64-bit value (callers own the RNG so
// tests are deterministic).
std::uint32_t backoff_delay_ms(const backoff_policy& policy,
                               std::uint32_t attempt, std::uint64_t random);

// The random numbers behind one entity's backoff delays (an order, a refund,
// a pay-out): a splitmix64 stream, cheap and good enough to spread retries
// apart, seeded from the entity's id and one seed per process (drawn once,
// not a random_device per entity, which opened /dev/urandom every time).
class retry_jitter {
 public:
  retry_jitter() = default;
  explicit retry_jitter(std::string_view entity_id);

  std::uint64_t next();
  // backoff_delay_ms with the next number of this stream.
  std::uint32_t delay_ms(const backoff_policy& policy, std::uint32_t attempt);

 private:
  std::uint64_t state_ = 0;
};

}  // namespace pay::domain
