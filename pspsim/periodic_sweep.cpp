#include "pspsim/periodic_sweep.hpp"

#include <mutex>

namespace pay::pspsim {

struct periodic_sweep::state {
  state(delay_queue& q, std::chrono::milliseconds p, std::function<void()> s)
      : queue(q), period(p), sweep(std::move(s)) {}

  delay_queue& queue;
  std::chrono::milliseconds period;
  std::function<void()> sweep;
  std::mutex mutex;
  bool stopped = false;

  // The callback owns the state too, so a late timer never touches freed
  // memory; `stopped` keeps it from sweeping after the owner is gone.
  static void arm(const std::shared_ptr<state>& self) {
    self->queue.after(self->period, [self] {
      {
        std::lock_guard lock(self->mutex);
        if (self->stopped) return;
        self->sweep();
      }
      arm(self);
    });
  }
};

periodic_sweep::periodic_sweep(delay_queue& queue,
                               std::chrono::milliseconds period,
                               std::function<void()> sweep)
    : state_(std::make_shared<state>(queue, period, std::move(sweep))) {
  state::arm(state_);
}

periodic_sweep::~periodic_sweep() {
  std::lock_guard lock(state_->mutex);
  state_->stopped = true;
}

}  // namespace pay::pspsim
