// Runs callbacks after a delay on one timer thread of its own, so that the
// simulated latency never blocks a server thread.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

namespace pay::pspsim {

class delay_queue {
 public:
  delay_queue();
  // Stops the thread; callbacks still waiting are dropped, not run.
  ~delay_queue();
  delay_queue(const delay_queue&) = delete;
  delay_queue& operator=(const delay_queue&) = delete;

  // Thread-safe.
  void after(std::chrono::milliseconds delay, std::function<void()> callback);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace pay::pspsim
