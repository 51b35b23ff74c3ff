#include "tools/chaos/paymentd_cluster.hpp"

#include <signal.h>

#include <chrono>
#include <fstream>
#include <thread>

#include <pqxx/pqxx>

#include "http/sync_client.hpp"
#include "testkit/haproxy_config.hpp"

namespace pay::chaos {

namespace {

using clock_type = std::chrono::steady_clock;

constexpr std::uint32_t listening_timeout_ms = 20'000;
// A node started while PostgreSQL restarts or fails over may exit (it
// cannot migrate); it is started again, this often, this far apart.
constexpr std::uint32_t node_start_attempts_max = 20;
constexpr std::chrono::milliseconds node_start_retry_delay{500};
constexpr std::uint32_t stop_grace_ms = 10'000;
constexpr std::uint32_t ready_timeout_ms = 30'000;
// After SIGCONT: a renewal every renew_ms finds the lease gone, the node
// re-execs and joins; a database failover in between can add seconds.
constexpr std::uint32_t rejoin_timeout_ms = 60'000;
constexpr std::chrono::milliseconds poll_interval{100};
constexpr const char* paymentd_banner = "paymentd listening on http://";

}  // namespace

paymentd_cluster::paymentd_cluster(cluster_settings settings)
    : settings_(std::move(settings)), starts_(settings_.nodes, 0) {
  for (std::uint32_t i = 0; i < settings_.nodes; ++i)
    nodes_.push_back(std::make_unique<it::child_process>());
}

paymentd_cluster::~paymentd_cluster() { stop(); }

std::uint16_t paymentd_cluster::node_port(std::uint32_t node) const {
  return static_cast<std::uint16_t>(settings_.public_port + 1 + node);
}

std::string paymentd_cluster::node_id(std::uint32_t node) const {
  return "node" + std::to_string(node + 1);
}

std::string paymentd_cluster::start() {
  for (std::uint32_t i = 0; i < settings_.nodes; ++i)
    if (auto err = start_node(i); !err.empty()) return err;
  if (auto err = start_haproxy(); !err.empty()) return err;
  for (std::uint32_t i = 0; i < settings_.nodes; ++i)
    if (!wait_ready(node_port(i), ready_timeout_ms))
      return node_id(i) + " never answered /readyz";
  // HAProxy counts a node up after two passed checks.
  if (!wait_ready(settings_.public_port, ready_timeout_ms))
    return "HAProxy never answered /readyz (log " + settings_.log_dir
           + "/haproxy.log)";
  return {};
}

std::string paymentd_cluster::start_node(std::uint32_t node) {
  auto p = settings_.paymentd;
  p.env["PAYMENTD_HTTP_PORT"] = std::to_string(node_port(node));
  p.env["PAYMENTD_NODE_ID"] = node_id(node);
  p.env["PAYMENTD_CLUSTER_LEASE_MS"] = std::to_string(settings_.lease_ms);
  p.env["PAYMENTD_CLUSTER_RENEW_MS"] = std::to_string(settings_.renew_ms);
  p.env["PAYMENTD_CLUSTER_TAKEOVER_INTERVAL_MS"] = std::to_string(
    settings_.takeover_interval_ms);
  std::string last_error;
  for (std::uint32_t attempt = 0; attempt < node_start_attempts_max;
       ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(node_start_retry_delay);
    // One log per start; a node that re-execs itself keeps writing to its
    // start's log.
    p.log_path = settings_.log_dir + "/paymentd." + node_id(node) + "."
                 + std::to_string(++starts_[node]) + ".log";
    {
      std::lock_guard<std::mutex> lock{logs_mutex_};
      logs_.push_back(p.log_path);
    }
    auto& child = *nodes_[node];
    if (auto err = child.start(p); !err.empty())
      return node_id(node) + ": " + err;
    if (child.wait_for_port(paymentd_banner, listening_timeout_ms) != 0)
      return {};
    child.stop(stop_grace_ms);
    last_error = node_id(node) + " printed no listening line (log " + p.log_path
                 + ")";
  }
  return last_error;
}

std::string paymentd_cluster::start_haproxy() {
  std::vector<std::uint16_t> ports;
  for (std::uint32_t i = 0; i < settings_.nodes; ++i)
    ports.push_back(node_port(i));
  const auto cfg_path = settings_.log_dir + "/haproxy.cfg";
  std::ofstream{cfg_path} << it::paymentd_haproxy_config(settings_.public_port,
                                                         ports);
  it::process_options p;
  p.binary = settings_.haproxy_bin;
  p.args = {"-db", "-f", cfg_path};
  p.log_path = settings_.log_dir + "/haproxy.log";
  if (auto err = haproxy_.start(p); !err.empty()) return "haproxy: " + err;
  return {};
}

bool paymentd_cluster::wait_ready(std::uint16_t port,
                                  std::uint32_t timeout_ms) const {
  const auto deadline = clock_type::now()
                        + std::chrono::milliseconds{timeout_ms};
  while (true) {
    http::sync_client client{"127.0.0.1", port, 1'000};
    const auto ready = client.get("/readyz");
    if (ready.ok && ready.res.result_int() == 200u) return true;
    if (clock_type::now() >= deadline) return false;
    std::this_thread::sleep_for(poll_interval);
  }
}

std::int64_t paymentd_cluster::current_epoch(std::uint32_t node) const {
  try {
    pqxx::connection conn{settings_.database_url};
    pqxx::read_transaction txn{conn};
    return txn
      .exec_params1(
        "SELECT coalesce(max(epoch), 0) FROM cluster_node WHERE node_id = $1",
        node_id(node))[0]
      .as<std::int64_t>();
  } catch (const std::exception&) {
    return -1;
  }
}

std::string paymentd_cluster::kill_and_restart(std::uint32_t node,
                                               std::uint32_t down_ms) {
  nodes_[node]->kill_hard();
  std::this_thread::sleep_for(std::chrono::milliseconds{down_ms});
  return start_node(node);
}

std::string paymentd_cluster::pause(std::uint32_t node, std::uint32_t pause_ms,
                                    std::string& done) {
  auto& child = *nodes_[node];
  if (!child.running()) return node_id(node) + " is not running";
  std::int64_t before = -1;
  for (int attempt = 0; attempt < 50 && before < 0; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(poll_interval);
    before = current_epoch(node);
  }
  if (before < 0) return "cannot read the epoch of " + node_id(node);
  const auto pid = child.pid();
  ::kill(pid, SIGSTOP);
  std::this_thread::sleep_for(std::chrono::milliseconds{pause_ms});
  ::kill(pid, SIGCONT);
  const auto woke = clock_type::now();
  const auto deadline = woke + std::chrono::milliseconds{rejoin_timeout_ms};
  std::int64_t now_epoch = before;
  while (clock_type::now() < deadline) {
    if (!child.running())
      return node_id(node) + " exited after SIGCONT instead of joining again";
    now_epoch = std::max(now_epoch, current_epoch(node));
    if (now_epoch > before && wait_ready(node_port(node), 0)) {
      const auto took_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now()
                                                              - woke)
          .count();
      done = node_id(node) + " epoch " + std::to_string(before) + " -> "
             + std::to_string(now_epoch) + ", ready " + std::to_string(took_ms)
             + " ms after SIGCONT";
      return {};
    }
    std::this_thread::sleep_for(poll_interval);
  }
  return node_id(node) + " (epoch " + std::to_string(before)
         + ") did not join again and answer /readyz within "
         + std::to_string(rejoin_timeout_ms / 1'000) + " s of SIGCONT (epoch "
         + std::to_string(now_epoch) + ")";
}

std::vector<std::string> paymentd_cluster::stop_nodes() {
  std::vector<std::string> warnings;
  for (std::uint32_t i = 0; i < settings_.nodes; ++i) {
    auto& child = *nodes_[i];
    if (!child.running()) continue;
    const int code = child.stop(stop_grace_ms);
    if (code != 0)
      warnings.push_back(node_id(i) + " exited with " + std::to_string(code)
                         + " on SIGTERM (log " + child.log_path() + ")");
  }
  return warnings;
}

std::vector<std::string> paymentd_cluster::stop() {
  auto warnings = stop_nodes();
  if (haproxy_.running()) haproxy_.stop(stop_grace_ms);
  return warnings;
}

std::vector<std::string> paymentd_cluster::logs() const {
  std::lock_guard<std::mutex> lock{logs_mutex_};
  return logs_;
}

}  // namespace pay::chaos
