// The after-pay-in clients of a round: while checkouts, faults and kills go
// on, they pick up every order that became SUCCESS and booked, fulfil a
// share, play a refund story on a share (after_payin_plan.hpp), and now and
// then run today's reconciliation and a pay-out run as an operator would.
// Every request is sent again, same key and body, until a final answer
// (following_client); each final answer is judged against the API contract
// and what it promised is recorded for invariant 12.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tools/chaos/after_payin_plan.hpp"
#include "tools/chaos/client.hpp"
#include "tools/chaos/violation.hpp"

namespace pay::chaos {

struct refund_acknowledged {
  std::string idempotency_key;
  std::string refund_id;
  std::string payment_order_id;
  std::int64_t amount_minor = 0;
};

struct money_cycle_result {
  std::vector<refund_acknowledged> refunds_acknowledged;  // 201 / 200
  // Final 400 amount_too_large or 409: nothing may exist under these keys.
  std::vector<std::string> refund_keys_refused;
  violations found;  // answers the contract does not allow (invariant 0)
  std::vector<std::string> warnings;
  std::uint32_t orders_seen = 0;
  std::uint32_t fulfilled = 0;
  // Orders authorized for capture on fulfilment, and what became of them.
  std::uint32_t authorized_seen = 0;
  std::uint32_t captures_asked = 0;  // full or partial
  std::uint32_t voids_asked = 0;
  std::uint32_t refund_stories = 0;
  std::uint32_t key_reuses_refused = 0;
  std::uint32_t reconciliations = 0;
  std::uint32_t reconciliations_failed = 0;  // 502 reconciliation_failed
  std::uint32_t payout_runs = 0;
  std::uint64_t requests = 0;
  std::uint64_t resends = 0;
};

struct money_cycle_settings {
  std::uint64_t seed = 0;
  std::uint32_t workers = 4;
  std::uint32_t scan_interval_ms = 250;
  // Reconciliation + pay-out runs while the round goes on, this far apart,
  // at most this many; one more always runs in finish().
  std::uint32_t run_interval_ms = 1'000;
  std::uint32_t runs_during_round_max = 3;
  client_settings client;  // its api_key must be an admin key (pay-out runs)
};

class money_cycle {
 public:
  money_cycle(std::string database_url,
              const std::atomic<std::uint16_t>& paymentd_port,
              money_cycle_settings settings);
  ~money_cycle();  // aborts and joins
  money_cycle(const money_cycle&) = delete;
  money_cycle& operator=(const money_cycle&) = delete;

  void start();
  // Picks up the orders booked since the last look, lets every story end,
  // runs reconciliation and pay-outs once more, and joins. Call once.
  money_cycle_result finish();
  // Every client gives up at once: paymentd is gone for good.
  void abort() { aborted_ = true; }

 private:
  struct job {
    std::string payment_order_id;
    std::int64_t amount_minor = 0;
    std::string currency;
    after_payin_step step;
    // An authorized order's story instead of the after-pay-in one.
    bool authorized = false;
    settle_story settle = settle_story::fulfil_all;
  };

  void feed();
  void scan();
  void work(std::uint32_t worker);
  bool next_job(job& out);
  void run_job(following_client& client, std::uint32_t worker, const job& j);
  void fulfil(following_client& client, const job& j);
  void settle_authorized(following_client& client, const job& j);
  void play_refund(following_client& client, std::uint32_t worker,
                   const job& j);
  void play_concurrent_over(std::uint32_t worker, const job& j);
  void run_operator_jobs(following_client& client);
  void onboard_sellers(following_client& client);
  void add(violation v);

  const std::string database_url_;
  const std::atomic<std::uint16_t>& paymentd_port_;
  const money_cycle_settings settings_;
  std::atomic<bool> aborted_{false};
  std::atomic<bool> stop_feeding_{false};
  client_counters counters_;
  std::thread feeder_;
  std::vector<std::thread> workers_;
  std::mutex mutex_;  // guards everything below
  std::condition_variable changed_;
  std::deque<job> queue_;
  std::uint32_t busy_ = 0;
  bool workers_stop_ = false;
  std::set<std::string> seen_;
  bool sellers_onboarded_ = false;
  money_cycle_result result_;
};

}  // namespace pay::chaos
