// With --nodes N > 1: the round's paymentd is N nodes (node1..nodeN) on one
// database behind one HAProxy, the only address clients, money_cycle and
// pspsim's webhooks use. Nodes run with a short lease so that a killed or
// paused node's work is taken over within the round. Every fault hits one
// node at a time; the others keep serving.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "testkit/process.hpp"

namespace pay::chaos {

struct cluster_settings {
  std::uint32_t nodes = 3;
  // HAProxy listens here; node i (0-based) on public_port + 1 + i. Fixed
  // ports: HAProxy's config names them, and a restarted node takes its own.
  std::uint16_t public_port = 0;
  // As tests/cluster: a dead node's work moves within about 2.5 s.
  std::uint32_t lease_ms = 2'000;
  std::uint32_t renew_ms = 400;
  std::uint32_t takeover_interval_ms = 250;
  std::string haproxy_bin;
  std::string log_dir;
  std::string database_url;  // the round's, to read the nodes' epochs
  // paymentd's binary, arguments and environment (PAYMENTD_HTTP_PORT and
  // the cluster variables are set per node).
  it::process_options paymentd;
};

class paymentd_cluster {
 public:
  explicit paymentd_cluster(cluster_settings settings);
  ~paymentd_cluster();  // stops every node and HAProxy
  paymentd_cluster(const paymentd_cluster&) = delete;
  paymentd_cluster& operator=(const paymentd_cluster&) = delete;

  // Every node, then HAProxy; returns once HAProxy answers /readyz. Empty
  // on success.
  std::string start();
  // SIGKILL of node `node`, `down_ms` with it down, then the same node id
  // again (a new epoch). Empty on success.
  std::string kill_and_restart(std::uint32_t node, std::uint32_t down_ms);
  // SIGSTOP for `pause_ms` (past its lease), SIGCONT, then waits until the
  // node noticed, joined again as a newer epoch (it re-execs itself, same
  // pid) and answers /readyz. Empty on success; `done` says what happened.
  std::string pause(std::uint32_t node, std::uint32_t pause_ms,
                    std::string& done);
  // SIGTERM to every node; warnings for exit codes that are not 0.
  std::vector<std::string> stop_nodes();
  std::vector<std::string> stop();

  std::uint16_t public_port() const { return settings_.public_port; }
  std::uint32_t size() const { return settings_.nodes; }
  std::vector<std::string> logs() const;

 private:
  std::uint16_t node_port(std::uint32_t node) const;
  std::string node_id(std::uint32_t node) const;
  std::string start_node(std::uint32_t node);
  std::string start_haproxy();
  bool wait_ready(std::uint16_t port, std::uint32_t timeout_ms) const;
  // The node's newest epoch in cluster_node; -1 when the database cannot
  // be read (it may be failing over).
  std::int64_t current_epoch(std::uint32_t node) const;

  cluster_settings settings_;
  std::vector<std::unique_ptr<it::child_process>> nodes_;
  std::vector<std::uint32_t> starts_;  // per node, for its log file names
  it::child_process haproxy_;
  mutable std::mutex logs_mutex_;
  std::vector<std::string> logs_;
};

}  // namespace pay::chaos
