// Sends a round's planned checkouts to paymentd from `concurrency` threads,
// duplicates and refused key reuses included, and judges every final answer
// against the API contract. What the clients were promised (a 2xx) is
// recorded for the checks that follow.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tools/chaos/client.hpp"
#include "tools/chaos/plan.hpp"
#include "tools/chaos/violation.hpp"

namespace pay::chaos {

struct drive_settings {
  std::uint32_t concurrency = 64;
  std::uint64_t seed = 0;  // for the clients' backoff jitter only
  client_settings client;
};

struct drive_result {
  // Per planned checkout: some request for it got a 2xx.
  std::vector<bool> acknowledged;
  // Ids a refused request named that nobody else did: they must not exist.
  std::vector<std::string> refused_checkout_ids;
  std::vector<std::string> refused_order_ids;
  std::uint32_t refusals_sent = 0;
  violations found;  // answers the contract does not allow
  std::uint64_t requests = 0;
  std::uint64_t resends = 0;
  std::uint64_t no_answer = 0;
  std::uint64_t answers_503 = 0;
  std::uint64_t answers_500 = 0;
  std::uint64_t answers_409_in_use = 0;
  std::uint64_t answers_proxy = 0;  // HAProxy's 502 / 504 (cluster rounds)
};

class driver {
 public:
  driver(const std::vector<planned_checkout>& plan,
         const std::atomic<std::uint16_t>& paymentd_port,
         drive_settings settings);
  ~driver();  // joins
  driver(const driver&) = delete;
  driver& operator=(const driver&) = delete;

  void start();
  // Waits for every thread; call once.
  drive_result finish();

  // Planned checkouts whose requests are all done, for the chaos schedule.
  std::uint32_t checkouts_done() const { return checkouts_done_.load(); }
  bool all_done() const { return checkouts_done() >= plan_.size(); }
  // Every client gives up at once: paymentd is gone for good.
  void abort() { aborted_ = true; }

 private:
  struct job {
    std::uint32_t index;
    bool twin;  // the concurrent second sender of a checkout
  };

  void work(std::uint32_t worker);
  void run_primary(following_client& client, std::uint32_t index);
  void run_twin(following_client& client, std::uint32_t index);
  // Judges a request whose body is `spec`: a 2xx acknowledges the checkout.
  void expect_created_or_replayed(const final_answer& answer,
                                  std::uint32_t index, const char* role);
  void expect_refused(const final_answer& answer, std::uint32_t index);
  void add(violation v);

  const std::vector<planned_checkout>& plan_;
  const std::atomic<std::uint16_t>& paymentd_port_;
  drive_settings settings_;
  std::vector<job> jobs_;
  std::atomic<std::size_t> next_job_{0};
  std::atomic<std::uint32_t> checkouts_done_{0};
  std::atomic<bool> aborted_{false};
  std::vector<std::thread> threads_;
  client_counters counters_;
  std::mutex mutex_;  // guards result_
  drive_result result_;
  // Per checkout: how many of its jobs are still running (1 or 2).
  std::vector<std::atomic<std::uint8_t>> jobs_left_;
};

}  // namespace pay::chaos
