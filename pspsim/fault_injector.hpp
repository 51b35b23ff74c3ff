// Decides, from one seeded random stream, which fault (if any) hits each
// faultable request and how long its answer is delayed; counts the faults
// actually injected. Thread-safe.
//
// Reproducibility: every draw while faults are active takes exactly
// draws_per_request numbers from a std::mt19937_64 seeded with the
// config's seed (the engine is fully specified by the C++ standard, and the
// numbers are turned into decisions without the library's distributions,
// whose output is not). So the n-th faultable request gets the same fault
// for the same seed and configuration, whatever its route or outcome.
// Configuring (even with the same config) restarts the stream.
//
// The draw, in order: one number per fault_kind in draw order; the first
// kind whose number falls below its probability and which applies to the
// route wins, the later numbers are still taken. Then one number for the
// latency jitter.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <random>

#include "pspsim/fault_config.hpp"

namespace pay::pspsim {

constexpr std::size_t draws_per_request = fault_kind_count + 1;

struct fault_draw {
  fault_kind kind = fault_kind::none;
  // Before the answer (or the reset) goes out: latency_ms plus jitter, and
  // hold_ms on top for timeout_after_commit.
  std::chrono::milliseconds delay{0};
};

// Faults injected so far, by kind (index: draw order).
using fault_counts = std::array<std::uint64_t, fault_kind_count>;

// The webhook faults one event gets. Drawn per event, in event creation
// order, from a second std::mt19937_64 seeded with the same seed: exactly
// webhook_draws_per_event numbers (drop, duplicate, reorder); a dropped event
// is neither duplicated nor reordered, the other two can combine.
struct webhook_fault_draw {
  bool drop = false;
  bool duplicate = false;
  bool reorder = false;
  std::chrono::milliseconds delay{0};
};
constexpr std::size_t webhook_draws_per_event = 3;

struct webhook_fault_counts {
  std::uint64_t drop = 0;
  std::uint64_t duplicate = 0;
  std::uint64_t reorder = 0;
};

class fault_injector {
 public:
  explicit fault_injector(const fault_config& config = {});

  // Replaces the configuration and restarts the stream from its seed.
  // Counters are kept.
  void configure(const fault_config& config);
  // All faults and latency off (a default config); counters kept.
  void disable();
  // All off and counters cleared.
  void reset();

  fault_draw draw(fault_target target);
  // Nothing is taken from the stream while no webhook fault is set.
  webhook_fault_draw draw_webhook();
  // The router calls this once it has actually injected `kind`: a drawn
  // duplicate_processing may turn out not to apply to the request.
  void note_injected(fault_kind kind);

  fault_config config() const;
  fault_counts injected() const;
  webhook_fault_counts webhooks_injected() const;

 private:
  void configure_locked(const fault_config& config);  // mutex_ held

  mutable std::mutex mutex_;
  fault_config config_;
  std::mt19937_64 engine_;
  std::mt19937_64 webhook_engine_;
  fault_counts injected_{};
  webhook_fault_counts webhooks_injected_{};
  // Read without the lock so that requests pay nothing while faults are off.
  std::atomic<bool> active_{false};
};

}  // namespace pay::pspsim
