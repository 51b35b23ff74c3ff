#include "pspsim/fault_injector.hpp"

#include "pspsim/check.hpp"

namespace pay::pspsim {
namespace {

// The top 53 bits as a double in [0, 1): exact, and the same on every
// platform. A probability of 1 always hits, 0 never does.
double unit_interval(std::uint64_t bits) {
  return static_cast<double>(bits >> 11) * 0x1.0p-53;
}

}  // namespace

fault_injector::fault_injector(const fault_config& config) {
  configure(config);
}

void fault_injector::configure(const fault_config& config) {
  std::lock_guard lock(mutex_);
  configure_locked(config);
}

void fault_injector::disable() { configure(fault_config{}); }

void fault_injector::reset() {
  std::lock_guard lock(mutex_);
  configure_locked(fault_config{});
  injected_ = {};
  webhooks_injected_ = {};
}

void fault_injector::configure_locked(const fault_config& config) {
  config_ = config;
  engine_.seed(config.seed);
  webhook_engine_.seed(config.seed);
  active_.store(config.active(), std::memory_order_release);
}

fault_draw fault_injector::draw(fault_target target) {
  if (!active_.load(std::memory_order_acquire)) return {};
  std::lock_guard lock(mutex_);
  fault_draw out;
  for (const fault_kind kind : fault_kinds_in_draw_order) {
    const double number = unit_interval(engine_());
    const bool hit = number < config_.probability(kind);
    if (out.kind == fault_kind::none && hit && fault_applies(kind, target)) {
      out.kind = kind;
    }
  }
  const std::uint64_t jitter_bits = engine_();
  // Modulo bias is below 2^-40 for any jitter we accept: irrelevant here.
  const std::uint64_t jitter_ms = jitter_bits
                                  % (std::uint64_t{config_.latency_jitter_ms}
                                     + 1);
  std::uint64_t delay_ms = config_.latency_ms + jitter_ms;
  if (out.kind == fault_kind::timeout_after_commit) delay_ms += config_.hold_ms;
  PSPSIM_CHECK(delay_ms <= 3 * std::uint64_t{fault_delay_ms_max});
  out.delay = std::chrono::milliseconds(delay_ms);
  return out;
}

webhook_fault_draw fault_injector::draw_webhook() {
  std::lock_guard lock(mutex_);
  const webhook_fault_config& config = config_.webhooks;
  if (!config.active()) return {};
  webhook_fault_draw out;
  out.delay = std::chrono::milliseconds(config.delay_ms);
  const bool drop = unit_interval(webhook_engine_()) < config.drop;
  const bool duplicate = unit_interval(webhook_engine_()) < config.duplicate;
  const bool reorder = unit_interval(webhook_engine_()) < config.reorder;
  if (drop) {
    out.drop = true;
    ++webhooks_injected_.drop;
    return out;
  }
  out.duplicate = duplicate;
  out.reorder = reorder;
  webhooks_injected_.duplicate += duplicate ? 1 : 0;
  webhooks_injected_.reorder += reorder ? 1 : 0;
  return out;
}

void fault_injector::note_injected(fault_kind kind) {
  PSPSIM_CHECK(kind != fault_kind::none);
  std::lock_guard lock(mutex_);
  ++injected_[static_cast<std::size_t>(kind) - 1];
}

fault_config fault_injector::config() const {
  std::lock_guard lock(mutex_);
  return config_;
}

fault_counts fault_injector::injected() const {
  std::lock_guard lock(mutex_);
  return injected_;
}

}  // namespace pay::pspsim

namespace pay::pspsim {

webhook_fault_counts fault_injector::webhooks_injected() const {
  std::lock_guard lock(mutex_);
  return webhooks_injected_;
}

}  // namespace pay::pspsim
