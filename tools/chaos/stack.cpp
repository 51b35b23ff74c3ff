#include "tools/chaos/stack.hpp"

#include <signal.h>

#include <chrono>
#include <thread>

#include <pqxx/pqxx>

#include "testkit/db.hpp"

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
constexpr const char* psp_api_key = "sk_test_pspsim";

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
  p.log_path = options_.log_dir + "/pspsim.log";
  if (auto err = pspsim_.start(p); !err.empty()) return "pspsim: " + err;
  pspsim_port_ = pspsim_.wait_for_port(pspsim_banner, listening_timeout_ms);
  if (pspsim_port_ == 0)
    return "pspsim printed no listening line (log " + p.log_path + ")";
  return {};
}

std::string round_stack::start_paymentd() {
  const auto ms = [](std::uint32_t v) { return std::to_string(v); };
  it::process_options p;
  p.binary = options_.paymentd_bin;
  p.args = {"--config", options_.paymentd_config};
  p.env = {
    {"DATABASE_URL", database_url_},
    {"PAYMENTD_HTTP_PORT", "0"},
    {"PSP_BASE_URL", "http://127.0.0.1:" + std::to_string(pspsim_port_)},
    {"PSP_API_KEY", psp_api_key},
    {"PAYMENTD_LOG_LEVEL", "info"},
    {"PAYMENTD_PSP_REQUEST_TIMEOUT_MS", ms(options_.psp_request_timeout_ms)},
    {"PAYMENTD_PSP_CONNECT_TIMEOUT_MS", ms(options_.psp_connect_timeout_ms)},
    {"PAYMENTD_PSP_RETRY_BASE_MS", ms(options_.psp_retry_base_ms)},
    {"PAYMENTD_PSP_RETRY_DELAY_MS_MAX", ms(options_.psp_retry_delay_ms_max)},
    {"PAYMENTD_PSP_RETRY_ATTEMPTS_MAX", ms(options_.psp_retry_attempts_max)},
    {"PAYMENTD_PSP_RETRY_DEADLINE_MS", ms(options_.psp_retry_deadline_ms)},
    {"PAYMENTD_PSP_PROCESSING_POLL_MS", "100"},
    {"PAYMENTD_STORE_REQUEST_TIMEOUT_MS",
     ms(options_.store_request_timeout_ms)},
    {"PAYMENTD_WATCHDOG_INTERVAL_MS", ms(options_.watchdog_interval_ms)},
    {"PAYMENTD_WATCHDOG_STUCK_AFTER_MS", ms(options_.watchdog_stuck_after_ms)},
    {"PAYMENTD_BOOTSTRAP_ADMIN_KEY", options_.admin_key},
    // Limits off: the clients send as fast as they can on purpose, and a
    // 429 would be a refusal the checks do not expect, not a fault.
    {"PAYMENTD_RATE_CREATE_PER_S", "0"},
    {"PAYMENTD_RATE_READ_PER_S", "0"},
    {"PAYMENTD_RATE_ADMIN_PER_S", "0"},
    {"PAYMENTD_RATE_OPEN_PER_S", "0"},
    {"PAYMENTD_RATE_AUTH_FAILURES_PER_S", "0"},
    // Pay-outs only when the chaos clients ask (POST /admin/payouts/run),
    // released as soon as fulfilled and settled; reconciliation likewise.
    {"PAYMENTD_PAYOUTS_HOLD_S", "0"},
    {"PAYMENTD_PAYOUTS_INTERVAL_S", "0"},
    {"PAYMENTD_RECONCILE_DAILY_AT", "off"},
  };
  if (options_.psp_key_trust_s > 0)
    p.env["PAYMENTD_PSP_IDEMPOTENCY_KEY_TRUST_S"] = ms(
      options_.psp_key_trust_s);
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

std::string round_stack::kill_and_restart_paymentd(std::uint32_t down_ms) {
  paymentd_port_ = 0;
  if (paymentd_.running()) ::kill(paymentd_.pid(), SIGKILL);
  paymentd_.stop(stop_grace_ms);  // reaps it
  std::this_thread::sleep_for(std::chrono::milliseconds{down_ms});
  return start_paymentd();
}

std::string round_stack::stop_paymentd() {
  paymentd_port_ = 0;
  if (!paymentd_.running()) return {};
  const int code = paymentd_.stop(stop_grace_ms);
  if (code == 0) return {};
  return "paymentd exited with " + std::to_string(code) + " on SIGTERM (log "
         + paymentd_.log_path() + ")";
}

std::vector<std::string> round_stack::stop() {
  std::vector<std::string> warnings;
  if (auto w = stop_paymentd(); !w.empty()) warnings.push_back(std::move(w));
  if (pspsim_.running()) {
    const int code = pspsim_.stop(stop_grace_ms);
    if (code != 0)
      warnings.push_back("pspsim exited with " + std::to_string(code)
                         + " on SIGTERM");
  }
  return warnings;
}

std::vector<std::string> round_stack::paymentd_logs() const {
  std::lock_guard<std::mutex> lock{logs_mutex_};
  return paymentd_logs_;
}

}  // namespace pay::chaos
