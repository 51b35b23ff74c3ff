#include "tools/chaos/stack.hpp"

#include <signal.h>

#include <chrono>
#include <thread>

#include <pqxx/pqxx>

#include "testkit/db.hpp"
#include "tools/chaos/paymentd_env.hpp"

namespace pay::chaos {

namespace {

constexpr std::uint32_t listening_timeout_ms = 20'000;
// A paymentd started while PostgreSQL restarts exits (it cannot migrate);
// it is started again, this often, this far apart.
constexpr std::uint32_t paymentd_start_attempts_max = 20;
constexpr std::chrono::milliseconds paymentd_start_retry_delay{500};
constexpr std::uint32_t stop_grace_ms = 10'000;
constexpr const char* pspsim_banner = "pspsim listening on http://";
constexpr const char* paymentd_banner = "paymentd listening on http://";

}  // namespace

round_stack::round_stack(stack_options options)
    : options_(std::move(options)) {}

round_stack::~round_stack() { stop(); }

std::string round_stack::start() {
  if (auto err = create_database(); !err.empty()) return err;
  if (auto err = start_pspsim(); !err.empty()) return err;
  return start_paymentd();
}

std::string round_stack::create_database() {
  auto made = it::create_database(options_.admin_url, options_.database_name);
  if (!made.error.empty()) return made.error;
  database_url_ = made.url;
  database_created_ = true;
  return {};
}

std::string round_stack::drop_database() {
  if (!database_created_) return {};
  auto err = it::drop_database(options_.admin_url, options_.database_name);
  if (!err.empty())
    return "cannot drop database " + options_.database_name + ": " + err;
  database_created_ = false;
  return {};
}

std::string round_stack::start_pspsim() {
  it::process_options p;
  p.binary = options_.pspsim_bin;
  p.args = {"--port",          "0",
            "--processing-ms", std::to_string(options_.pspsim_processing_ms),
            "--payout-ms",     std::to_string(options_.pspsim_payout_ms),
            "--three-ds-ms",   std::to_string(options_.pspsim_three_ds_ms)};
  if (options_.pspsim_key_ttl_s > 0) {
    p.args.push_back("--idempotency-key-ttl-s");
    p.args.push_back(std::to_string(options_.pspsim_key_ttl_s));
  }
  // A cluster has one address that outlives every node: the webhooks go
  // there, and whichever node gets one hands it to the owner.
  if (options_.nodes > 1) {
    p.args.push_back("--webhook-url");
    p.args.push_back("http://127.0.0.1:" + std::to_string(options_.public_port)
                     + "/v1/webhooks/psp");
  }
  p.log_path = options_.log_dir + "/pspsim.log";
  if (auto err = pspsim_.start(p); !err.empty()) return "pspsim: " + err;
  pspsim_port_ = pspsim_.wait_for_port(pspsim_banner, listening_timeout_ms);
  if (pspsim_port_ == 0)
    return "pspsim printed no listening line (log " + p.log_path + ")";
  return {};
}

std::string round_stack::start_paymentd() {
  if (options_.nodes > 1) return start_cluster();
  it::process_options p;
  p.binary = options_.paymentd_bin;
  p.args = {"--config", options_.paymentd_config};
  p.env = paymentd_environment(options_, database_url_, pspsim_port_);
  std::string last_error;
  for (std::uint32_t attempt = 0; attempt < paymentd_start_attempts_max;
       ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(paymentd_start_retry_delay);
    ++generation_;
    p.log_path = options_.log_dir + "/paymentd." + std::to_string(generation_)
                 + ".log";
    {
      std::lock_guard<std::mutex> lock{logs_mutex_};
      paymentd_logs_.push_back(p.log_path);
    }
    if (auto err = paymentd_.start(p); !err.empty()) return "paymentd: " + err;
    const auto port = paymentd_.wait_for_port(paymentd_banner,
                                              listening_timeout_ms);
    if (port != 0) {
      paymentd_port_ = port;
      return {};
    }
    paymentd_.stop(stop_grace_ms);
    last_error = "paymentd printed no listening line (log " + p.log_path + ")";
  }
  return last_error;
}

std::string round_stack::start_cluster() {
  cluster_settings c;
  c.nodes = options_.nodes;
  c.public_port = options_.public_port;
  c.haproxy_bin = options_.haproxy_bin;
  c.log_dir = options_.log_dir;
  c.database_url = database_url_;
  c.paymentd.binary = options_.paymentd_bin;
  c.paymentd.args = {"--config", options_.paymentd_config};
  c.paymentd.env = paymentd_environment(options_, database_url_, pspsim_port_);
  cluster_ = std::make_unique<paymentd_cluster>(std::move(c));
  if (auto err = cluster_->start(); !err.empty()) return err;
  paymentd_port_ = cluster_->public_port();
  return {};
}

std::string round_stack::kill_and_restart_paymentd(std::uint32_t node,
                                                   std::uint32_t down_ms) {
  if (cluster_) return cluster_->kill_and_restart(node, down_ms);
  paymentd_port_ = 0;
  if (paymentd_.running()) ::kill(paymentd_.pid(), SIGKILL);
  paymentd_.stop(stop_grace_ms);  // reaps it
  std::this_thread::sleep_for(std::chrono::milliseconds{down_ms});
  return start_paymentd();
}

std::string round_stack::pause_node(std::uint32_t node, std::uint32_t pause_ms,
                                    std::string& done) {
  if (!cluster_) return "a single paymentd is never paused";
  return cluster_->pause(node, pause_ms, done);
}

std::string round_stack::stop_paymentd() {
  if (cluster_) {
    std::string joined;
    for (const auto& w : cluster_->stop_nodes())
      joined += (joined.empty() ? "" : "; ") + w;
    return joined;
  }
  paymentd_port_ = 0;
  if (!paymentd_.running()) return {};
  const int code = paymentd_.stop(stop_grace_ms);
  if (code == 0) return {};
  return "paymentd exited with " + std::to_string(code) + " on SIGTERM (log "
         + paymentd_.log_path() + ")";
}

std::vector<std::string> round_stack::stop() {
  std::vector<std::string> warnings;
  if (cluster_)
    warnings = cluster_->stop();
  else if (auto w = stop_paymentd(); !w.empty())
    warnings.push_back(std::move(w));
  if (pspsim_.running()) {
    const int code = pspsim_.stop(stop_grace_ms);
    if (code != 0)
      warnings.push_back("pspsim exited with " + std::to_string(code)
                         + " on SIGTERM");
  }
  return warnings;
}

std::vector<std::string> round_stack::paymentd_logs() const {
  if (cluster_) return cluster_->logs();
  std::lock_guard<std::mutex> lock{logs_mutex_};
  return paymentd_logs_;
}

}  // namespace pay::chaos
