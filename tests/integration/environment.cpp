#include "tests/integration/environment.hpp"

#include "domain/access/api_key.hpp"
#include "testkit/db.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <iostream>

#include <pqxx/pqxx>

namespace pay::it {

namespace {

constexpr std::uint32_t listening_timeout_ms = 15'000;
// paymentd keeps one port across its restarts, below the ephemeral range,
// so pspsim's webhooks reach it before and after a restart (pspsim retries
// until they do). PAY_IT_PAYMENTD_PORT overrides it; each test binary has
// its own default so ctest can run them side by side.
constexpr const char* paymentd_port_default = IT_PAYMENTD_PORT;

std::string paymentd_port_setting() {
  const char* given = std::getenv("PAY_IT_PAYMENTD_PORT");
  return given && *given ? given : paymentd_port_default;
}
constexpr const char* pspsim_banner = "pspsim listening on http://";
constexpr const char* paymentd_banner = "paymentd listening on http://";

std::string log_dir() {
  std::string dir = std::string{INTEGRATION_LOG_DIR} + "/logs";
  ::mkdir(dir.c_str(), 0755);  // EEXIST is fine
  return dir;
}

stack_environment* registered = nullptr;

// Registered before gtest_main's main() runs; GoogleTest owns the object.
const bool registration = [] {
  registered = new stack_environment;
  ::testing::AddGlobalTestEnvironment(registered);
  return true;
}();

}  // namespace

const std::string& test_admin_key() {
  static const std::string key = domain::generate_api_key(
    domain::key_mode::test);
  return key;
}

stack_environment& stack() {
  (void)registration;
  return *registered;
}

void stack_environment::SetUp() {
  const char* given = std::getenv("DATABASE_URL");
  if (!given || !*given) {
    setup_error_ =
      "DATABASE_URL is not set. The integration tests need a PostgreSQL "
      "superuser URL, e.g. postgresql://payments@127.0.0.1:15433/postgres; "
      "run them through scripts/test, which starts a test cluster.";
    FAIL() << setup_error_;
  }
  admin_url_ = given;
  for (auto step :
       {&stack_environment::create_database, &stack_environment::start_pspsim,
        &stack_environment::start_paymentd}) {
    setup_error_ = (this->*step)();
    if (!setup_error_.empty()) {
      print_logs_since(log_marks{});
      FAIL() << "integration stack did not start: " << setup_error_;
    }
  }
}

void stack_environment::TearDown() {
  if (paymentd_.running()) {
    const int code = paymentd_.stop();
    EXPECT_EQ(code, 0) << "paymentd did not exit cleanly on SIGTERM; log: "
                       << paymentd_.log_path();
  }
  if (pspsim_.running()) {
    const int code = pspsim_.stop();
    EXPECT_EQ(code, 0) << "pspsim did not exit cleanly on SIGTERM; log: "
                       << pspsim_.log_path();
  }
  drop_database();
}

std::string stack_environment::create_database() {
  database_name_ = "it_" + std::to_string(::getpid()) + "_"
                   + std::to_string(std::time(nullptr));
  auto made = it::create_database(admin_url_, database_name_);
  if (!made.error.empty()) {
    database_name_.clear();
    return made.error;
  }
  database_url_ = made.url;
  return {};
}

void stack_environment::drop_database() {
  if (database_name_.empty()) return;
  if (auto err = it::drop_database(admin_url_, database_name_); !err.empty())
    ADD_FAILURE() << "cannot drop database " << database_name_ << ": " << err;
  database_name_.clear();
}

std::string stack_environment::start_pspsim() {
  process_options options;
  options.binary = PSPSIM_BIN;
  // 3-D Secure and review wait for the test to decide them.
  options.args = {"--port",
                  "0",
                  "--webhook-url",
                  "http://127.0.0.1:" + paymentd_port_setting()
                    + "/v1/webhooks/psp",
                  "--three-ds-ms",
                  "600000",
                  "--review-ms",
                  "600000"};
  options.log_path = log_dir() + "/pspsim.log";
  if (auto err = pspsim_.start(options); !err.empty()) return "pspsim: " + err;
  pspsim_port_ = pspsim_.wait_for_port(pspsim_banner, listening_timeout_ms);
  if (pspsim_port_ == 0)
    return "pspsim printed no listening line within "
           + std::to_string(listening_timeout_ms) + " ms (log "
           + pspsim_.log_path() + ")";
  return {};
}

std::string stack_environment::start_paymentd() {
  ++paymentd_generation_;
  process_options options;
  options.binary = PAYMENTD_BIN;
  options.args = {"--config", PAYMENTD_CONFIG};
  options.env = {
    {"DATABASE_URL", database_url_},
    {"PAYMENTD_HTTP_PORT", paymentd_port_setting()},
    {"PSP_BASE_URL", "http://127.0.0.1:" + std::to_string(pspsim_port_)},
    {"PSP_API_KEY", "sk_test_pspsim"},
    {"PAYMENTD_LOG_LEVEL", "info"},
    {"PAYMENTD_BOOTSTRAP_ADMIN_KEY", test_admin_key()},
    // Rate limits are off here: tests run faster than any client should.
    // The tests of the limits restart paymentd with limits of their own.
    {"PAYMENTD_RATE_CREATE_PER_S", "0"},
    {"PAYMENTD_RATE_READ_PER_S", "0"},
    {"PAYMENTD_RATE_ADMIN_PER_S", "0"},
    {"PAYMENTD_RATE_OPEN_PER_S", "0"},
    {"PAYMENTD_RATE_AUTH_FAILURES_PER_S", "0"},
    // Failures are injected at pspsim: keep retries and timeouts short so
    // the dead-letter paths are reached in a test's lifetime.
    {"PAYMENTD_PSP_REQUEST_TIMEOUT_MS", "1000"},
    {"PAYMENTD_PSP_RETRY_BASE_MS", "10"},
    {"PAYMENTD_PSP_RETRY_DELAY_MS_MAX", "100"},
    {"PAYMENTD_PSP_RETRY_ATTEMPTS_MAX", "5"},
    // The budget is time (the attempts are only a floor): a short one, or a
    // PSP that keeps failing would hold an order for two minutes.
    {"PAYMENTD_PSP_RETRY_DEADLINE_MS", "1000"},
    // Risk rules the risk tests trip on purpose; other tests' buyers
    // (testkit: one e-mail per checkout, example.com) trip none.
    {"PAYMENTD_RISK_BLOCK_AMOUNT", "USD:50000.00"},
    {"PAYMENTD_RISK_REVIEW_AMOUNT", "USD:5000.00"},
    {"PAYMENTD_RISK_VELOCITY_WINDOW_S", "3600"},
    {"PAYMENTD_RISK_VELOCITY_REVIEW_COUNT", "3"},
    {"PAYMENTD_RISK_VELOCITY_BLOCK_COUNT", "5"},
    {"PAYMENTD_RISK_BLOCKED_ACCOUNTS", "acct_banned"},
    {"PAYMENTD_RISK_BLOCKED_EMAIL_DOMAINS", "fraud.test"},
    {"PAYMENTD_RISK_REVIEW_EMAIL_DOMAINS", "review.test"},
    {"PAYMENTD_RISK_BLOCKED_COUNTRIES", "KP"},
    {"PAYMENTD_RISK_REVIEW_COUNTRIES", "NG"},
    // Pay-outs and reconciliation run when a test asks, never by clock;
    // funds are released as soon as the other conditions hold.
    {"PAYMENTD_PAYOUTS_INTERVAL_S", "0"},
    {"PAYMENTD_PAYOUTS_HOLD_S", "0"},
    {"PAYMENTD_RECONCILE_DAILY_AT", "off"},
  };
  for (const auto& [name, value] : extra_env_) options.env[name] = value;
  options.log_path = log_dir() + "/paymentd."
                     + std::to_string(paymentd_generation_) + ".log";
  paymentd_port_ = 0;
  if (auto err = paymentd_.start(options); !err.empty())
    return "paymentd: " + err;
  paymentd_port_ = paymentd_.wait_for_port(paymentd_banner,
                                           listening_timeout_ms);
  if (paymentd_port_ == 0)
    return "paymentd printed no listening line within "
           + std::to_string(listening_timeout_ms) + " ms (log "
           + paymentd_.log_path() + ")";
  return {};
}

std::string stack_environment::restart_paymentd() {
  last_paymentd_exit_code_ = paymentd_.stop();
  return start_paymentd();
}

std::string stack_environment::restart_paymentd_with(env_list extra_env) {
  extra_env_ = std::move(extra_env);
  return restart_paymentd();
}

std::string stack_environment::reset() {
  if (paymentd_.running()) last_paymentd_exit_code_ = paymentd_.stop();
  if (pspsim_.running()) pspsim_.stop();
  drop_database();
  extra_env_.clear();
  for (auto step :
       {&stack_environment::create_database, &stack_environment::start_pspsim,
        &stack_environment::start_paymentd}) {
    setup_error_ = (this->*step)();
    if (!setup_error_.empty()) return setup_error_;
  }
  return {};
}

std::string stack_environment::kill_and_restart_paymentd() {
  paymentd_.kill_hard();
  last_paymentd_exit_code_ = -1;
  return start_paymentd();
}

stack_environment::log_marks stack_environment::mark_logs() const {
  return log_marks{pspsim_.log_size(), paymentd_.log_size(),
                   paymentd_generation_};
}

void stack_environment::print_logs_since(const log_marks& marks) const {
  const auto print = [](const char* name, const child_process& p,
                        std::size_t offset) {
    if (p.log_path().empty()) return;
    std::cerr << "----- " << name << " log (" << p.log_path() << ") -----\n"
              << p.log_since(offset) << "----- end of " << name << " log\n";
  };
  print("pspsim", pspsim_, marks.pspsim);
  // After a restart the mark belongs to the previous file: show all of this one.
  print("paymentd", paymentd_,
        marks.paymentd_generation == paymentd_generation_ ? marks.paymentd : 0);
}

}  // namespace pay::it
