#pragma once
// When an entity actor (payment order, refund, pay-out) tries again. One
// helper for all of them, with three clocks kept apart because they mean
// different things:
//   - our own side failed (store or PSP client unreachable): nothing was
//     learnt; jittered exponential backoff, from the base again once a call
//     gets through;
//   - a PSP attempt decided nothing (5xx, 429, a lost answer): counted in the
//     entity's row, so the delay follows the persisted count and a restart
//     does not start the budget over;
//   - waiting for the PSP's decision (PENDING, IN_TRANSIT): polls doubling
//     from the poll base up to its cap, from the base again on news (a
//     webhook).

#include <cstdint>
#include <string_view>

#include "domain/common/backoff.hpp"

namespace pay::domain {

struct poll_policy {
  std::uint32_t base_ms = 500;
  std::uint32_t max_ms = 30'000;
};

// The delay before poll number `polls` (0-based): base * 2^polls, capped.
std::uint32_t poll_delay_ms(const poll_policy& policy, std::uint32_t polls);

class retry_schedule {
 public:
  retry_schedule() = default;
  // `failure_floor_ms`: the shortest wait after a failure of our own side
  // (full jitter may draw 0, which would hammer a broken dependency).
  retry_schedule(std::string_view entity_id, backoff_policy retry,
                 poll_policy poll, std::uint32_t failure_floor_ms = 0);

  // Our own side failed: the wait before trying the step again. Counts it.
  std::uint32_t after_failure_ms();
  // A call got through: the next failure waits from the base again.
  void on_success() { failures_ = 0; }
  std::uint32_t failures() const { return failures_; }

  // A PSP attempt decided nothing, `attempts` attempts so far (persisted):
  // backoff while within the retry budget, the longest delay past it.
  std::uint32_t after_attempt_ms(std::uint32_t attempts);

  // Waiting for the PSP's decision: the wait before the next poll. Counts it.
  std::uint32_t next_poll_ms();
  std::uint32_t polls() const { return polls_; }
  // From the persisted row, so a resumed entity goes on where it was.
  void resume_polls(std::uint32_t polls) { polls_ = polls; }
  // News (a webhook): ask now, then poll from the base again.
  void restart_polls() { polls_ = 0; }

  const backoff_policy& retry() const { return retry_; }

 private:
  backoff_policy retry_;
  poll_policy poll_;
  std::uint32_t failure_floor_ms_ = 0;
  retry_jitter jitter_;
  std::uint32_t failures_ = 0;
  std::uint32_t polls_ = 0;
};

}  // namespace pay::domain
