#include "domain/common/retry_schedule.hpp"

#include <algorithm>

#include "domain/common/assert.hpp"

namespace pay::domain {

std::uint32_t poll_delay_ms(const poll_policy& policy, std::uint32_t polls) {
  auto doubled = std::uint64_t{policy.base_ms}
                 << std::min<std::uint32_t>(polls, 20);
  return static_cast<std::uint32_t>(std::max<std::uint64_t>(
    std::min<std::uint64_t>(doubled, policy.max_ms), 1));
}

retry_schedule::retry_schedule(std::string_view entity_id, backoff_policy retry,
                               poll_policy poll, std::uint32_t failure_floor_ms)
    : retry_(retry),
      poll_(poll),
      failure_floor_ms_(failure_floor_ms),
      jitter_(entity_id) {
  PAY_ASSERT(!entity_id.empty());
  PAY_ASSERT(retry.base_ms <= retry.delay_ms_max);
}

std::uint32_t retry_schedule::after_failure_ms() {
  auto delay = jitter_.delay_ms(retry_, failures_);
  if (failures_ < 64) ++failures_;  // the ceiling saturated long before
  return std::max(delay, failure_floor_ms_);
}

std::uint32_t retry_schedule::after_attempt_ms(std::uint32_t attempts) {
  if (attempts < retry_.attempts_max) return jitter_.delay_ms(retry_, attempts);
  return retry_.delay_ms_max;
}

std::uint32_t retry_schedule::next_poll_ms() {
  auto delay = poll_delay_ms(poll_, polls_);
  ++polls_;
  return delay;
}

}  // namespace pay::domain
