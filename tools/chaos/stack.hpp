// The processes of one chaos round: a fresh database on the cluster behind
// DATABASE_URL, a pspsim, and a paymentd that can be killed with SIGKILL and
// started again on a new port while clients keep going. Clients find the
// current port through `paymentd_port()`; it is 0 while paymentd is down.
// With nodes > 1, paymentd is a cluster behind HAProxy (paymentd_cluster.hpp)
// and `paymentd_port()` is HAProxy's, which never goes down.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "testkit/process.hpp"
#include "tools/chaos/paymentd_cluster.hpp"

namespace pay::chaos {

struct stack_options {
  std::string admin_url;      // DATABASE_URL as given (a superuser URL)
  std::string database_name;  // created fresh, dropped by drop_database()
  std::string log_dir;        // this round's logs
  std::string paymentd_bin;
  std::string paymentd_config;
  std::string pspsim_bin;
  // paymentd's admin key (sk_test_...), stored by paymentd at start
  // (PAYMENTD_BOOTSTRAP_ADMIN_KEY); the harness's clients all use it, so
  // ids stay as the plan chose them (merchant keys namespace them).
  std::string admin_key;
  // paymentd's PSP settings: short, so faults turn into retries quickly.
  std::uint32_t psp_request_timeout_ms = 500;
  std::uint32_t psp_connect_timeout_ms = 500;
  std::uint32_t psp_retry_base_ms = 20;
  std::uint32_t psp_retry_delay_ms_max = 400;
  std::uint32_t psp_retry_attempts_max = 8;
  // paymentd's retry budget is time with the attempts as a floor; short, so
  // the attempts decide and an order out of budget reaches the DLQ within
  // the round (the production 120 s would outlast every fault).
  std::uint32_t psp_retry_deadline_ms = 1'000;
  std::uint32_t store_request_timeout_ms = 3'000;
  std::uint32_t watchdog_interval_ms = 1'000;
  std::uint32_t watchdog_stuck_after_ms = 5'000;
  std::uint32_t pspsim_processing_ms = 300;
  // A 3-D Secure intent waits this long for its (absent) buyer, then
  // succeeds.
  std::uint32_t pspsim_three_ds_ms = 300;
  // pspsim's --idempotency-key-ttl-s and paymentd's
  // PAYMENTD_PSP_IDEMPOTENCY_KEY_TRUST_S (below it); 0: their defaults.
  std::uint32_t pspsim_key_ttl_s = 0;
  std::uint32_t psp_key_trust_s = 0;
  // A pay-out is pending this long at pspsim: short, so rounds settle fast.
  std::uint32_t pspsim_payout_ms = 100;
  // More than 1: a cluster of this many nodes behind HAProxy on
  // public_port (nodes on the ports above it), and pspsim's webhooks sent
  // there.
  std::uint32_t nodes = 1;
  std::uint16_t public_port = 0;
  std::string haproxy_bin;
};

class round_stack {
 public:
  explicit round_stack(stack_options options);
  ~round_stack();  // stops both processes; the database is left alone
  round_stack(const round_stack&) = delete;
  round_stack& operator=(const round_stack&) = delete;

  // Creates the database and starts pspsim and paymentd. Empty on success.
  std::string start();

  // SIGKILL, `down_ms` with nothing listening, then a new paymentd on a new
  // port (retried a few times: PostgreSQL may be restarting). Empty on
  // success. Called from one thread only. In a cluster: node `node` only,
  // restarted on its own port.
  std::string kill_and_restart_paymentd(std::uint32_t node,
                                        std::uint32_t down_ms);
  // A cluster's node `node` stopped past its lease (paymentd_cluster::pause).
  std::string pause_node(std::uint32_t node, std::uint32_t pause_ms,
                         std::string& done);
  bool clustered() const { return cluster_ != nullptr; }

  // SIGTERM to paymentd only; a warning when it did not exit with 0.
  std::string stop_paymentd();
  // SIGTERM to both, with the exit codes that were not 0 as warnings.
  std::vector<std::string> stop();
  // DROP DATABASE ... WITH (FORCE). Empty on success.
  std::string drop_database();

  const std::atomic<std::uint16_t>& paymentd_port() const {
    return paymentd_port_;
  }
  std::uint16_t pspsim_port() const { return pspsim_port_; }
  const std::string& database_url() const { return database_url_; }
  const std::string& admin_key() const { return options_.admin_key; }
  // Every paymentd log written this round, oldest first.
  std::vector<std::string> paymentd_logs() const;
  std::uint32_t paymentd_starts() const { return generation_; }

 private:
  std::string create_database();
  std::string start_pspsim();
  std::string start_paymentd();
  std::string start_cluster();

  stack_options options_;
  std::unique_ptr<paymentd_cluster> cluster_;  // with nodes > 1 only
  std::string database_url_;
  bool database_created_ = false;
  it::child_process pspsim_;
  it::child_process paymentd_;
  std::uint16_t pspsim_port_ = 0;
  std::atomic<std::uint16_t> paymentd_port_{0};
  std::uint32_t generation_ = 0;
  mutable std::mutex logs_mutex_;
  std::vector<std::string> paymentd_logs_;
};

}  // namespace pay::chaos
