#pragma once
// At most one log line per interval for a kind of event that an attacker
// can repeat at will (refused webhooks: 488k bad signatures once wrote 68 MB
// of log in 20 s). The line that is let through says how many were held
// back since the last one; /metrics still counts every event.

#include <atomic>
#include <cstdint>
#include <optional>

namespace pay::obs {

class log_throttle {
 public:
  explicit log_throttle(std::uint32_t interval_ms = 1'000)
      : interval_ms_(interval_ms) {}

  // The count of events suppressed since the last line when this one may
  // be logged, nothing when it must not. Thread-safe.
  std::optional<std::uint64_t> admit(std::int64_t now_ms);
  std::optional<std::uint64_t> admit();  // steady clock

 private:
  const std::uint32_t interval_ms_;
  std::atomic<std::int64_t> next_ms_{0};
  std::atomic<std::uint64_t> suppressed_{0};
};

}  // namespace pay::obs
