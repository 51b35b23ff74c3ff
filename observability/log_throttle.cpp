#include "observability/log_throttle.hpp"

#include <chrono>

namespace pay::obs {

std::optional<std::uint64_t> log_throttle::admit(std::int64_t now_ms) {
  auto next = next_ms_.load(std::memory_order_relaxed);
  if (now_ms < next
      || !next_ms_.compare_exchange_strong(next, now_ms + interval_ms_)) {
    suppressed_.fetch_add(1, std::memory_order_relaxed);
    return std::nullopt;
  }
  return suppressed_.exchange(0, std::memory_order_relaxed);
}

std::optional<std::uint64_t> log_throttle::admit() {
  return admit(std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::steady_clock::now().time_since_epoch())
                 .count());
}

}  // namespace pay::obs
