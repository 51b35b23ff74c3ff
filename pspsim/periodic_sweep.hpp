// Runs `sweep` every `period` on a delay_queue until destroyed: for work
// due on the simulated clock far ahead (session expiry), where a timer per
// object would cost more than one look a second.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include "pspsim/delay_queue.hpp"

namespace pay::pspsim {

class periodic_sweep {
 public:
  // `queue` must outlive this object or be stopped first.
  periodic_sweep(delay_queue& queue, std::chrono::milliseconds period,
                 std::function<void()> sweep);
  // Waits for a sweep in progress; none runs afterwards.
  ~periodic_sweep();
  periodic_sweep(const periodic_sweep&) = delete;
  periodic_sweep& operator=(const periodic_sweep&) = delete;

 private:
  struct state;
  std::shared_ptr<state> state_;
};

}  // namespace pay::pspsim
