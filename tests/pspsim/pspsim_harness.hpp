// Runs the real pspsim executable for black-box tests and speaks to it like
// paymentd would: the child process, and helpers for Stripe-style requests.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "http/form.hpp"
#include "http/sync_client.hpp"

namespace pay::pspsim::harness {

using namespace std::chrono_literals;
using header_list = http::sync_client::header_list;

constexpr std::chrono::milliseconds startup_timeout{10'000};
inline const std::string api_key = "sk_test_pspsim";
// Stripe's API takes forms, not JSON.
constexpr const char* form_type = "application/x-www-form-urlencoded";

// Reads from fd until a newline or the deadline; returns what was read.
inline std::string read_line(int fd, std::chrono::milliseconds timeout) {
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (line.find('\n') == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    char buffer[256];
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n <= 0) break;
    line.append(buffer, static_cast<std::size_t>(n));
  }
  return line;
}

// Reads fd until end of file (bounded by the timeout).
inline std::string read_until_eof(int fd,
                                  std::chrono::milliseconds timeout = 5s) {
  std::string out;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    char buffer[4096];
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n <= 0) break;
    out.append(buffer, static_cast<std::size_t>(n));
  }
  return out;
}

// One pspsim child process. The destructor stops it.
class pspsim_process {
 public:
  using env_list = std::vector<std::pair<std::string, std::string>>;

  // `env` is set in the child only, on top of the inherited environment.
  explicit pspsim_process(std::vector<std::string> args, env_list env = {}) {
    args.insert(args.begin(), PSPSIM_BIN);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    // Built before fork: the child may only call async-signal-safe functions.
    std::vector<std::string> env_entries;
    for (const auto& [name, value] : env)
      env_entries.push_back(name + "=" + value);
    for (char** entry = environ; *entry != nullptr; ++entry) {
      const std::string_view text(*entry);
      const auto overridden = std::any_of(
        env.begin(), env.end(), [&](const auto& e) {
          return text.substr(0, e.first.size() + 1) == e.first + "=";
        });
      if (!overridden) env_entries.emplace_back(text);
    }
    std::vector<char*> envp;
    for (auto& entry : env_entries) envp.push_back(entry.data());
    envp.push_back(nullptr);
    int out[2];
    int err[2];
    if (pipe(out) != 0 || pipe(err) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a crashed test
      dup2(out[1], STDOUT_FILENO);
      dup2(err[1], STDERR_FILENO);
      close(out[0]);
      close(err[0]);
      execve(argv[0], argv.data(), envp.data());
      _exit(127);
    }
    close(out[1]);
    close(err[1]);
    stdout_fd_ = out[0];
    stderr_fd_ = err[0];
    line_ = read_line(stdout_fd_, startup_timeout);
    const std::string prefix = "pspsim listening on http://";
    if (line_.rfind(prefix, 0) == 0) {
      port_ = static_cast<std::uint16_t>(
        std::stoi(line_.substr(line_.rfind(':') + 1)));
    }
  }

  ~pspsim_process() {
    if (pid_ > 0 && !exited_) terminate();
    if (stdout_fd_ >= 0) close(stdout_fd_);
    if (stderr_fd_ >= 0) close(stderr_fd_);
  }

  std::uint16_t port() const { return port_; }
  const std::string& first_line() const { return line_; }
  std::string read_stderr() { return read_line(stderr_fd_, 5s); }
  // Everything left on stdout and stderr; call after the process exited.
  std::string drain_output() {
    return read_until_eof(stdout_fd_) + read_until_eof(stderr_fd_);
  }

  // Sends SIGTERM and returns the exit status (-1 if it had to be killed).
  int terminate() { return stop_with(SIGTERM); }

  int stop_with(int signal_number) {
    kill(pid_, signal_number);
    return wait_exit(5s);
  }

  // The exit code, or -1 if the process did not exit in time (then killed).
  int wait_exit(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    while (waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        exited_ = true;
        return -1;
      }
      std::this_thread::sleep_for(10ms);
    }
    exited_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  int stderr_fd_ = -1;
  std::string line_;
  std::uint16_t port_ = 0;
  bool exited_ = false;
};

inline header_list auth_headers(std::string idempotency_key = {}) {
  header_list headers{{"Authorization", "Bearer " + api_key}};
  if (!idempotency_key.empty())
    headers.emplace_back("Idempotency-Key", idempotency_key);
  return headers;
}

inline http::form_fields visa_payment(std::string amount = "1000") {
  return {{"amount", std::move(amount)},
          {"currency", "eur"},
          {"payment_method", "pm_card_visa"},
          {"confirm", "true"}};
}

inline http::form_fields with_card(http::form_fields fields,
                                   const std::string& card) {
  for (auto& [key, value] : fields) {
    if (key == "payment_method") value = card;
  }
  return fields;
}

inline http::form_fields without(http::form_fields fields,
                                 const std::string& name) {
  fields.erase(std::remove_if(fields.begin(), fields.end(),
                              [&](const auto& f) { return f.first == name; }),
               fields.end());
  return fields;
}

inline http::form_fields with_value(http::form_fields fields,
                                    const std::string& name,
                                    const std::string& value) {
  fields = without(std::move(fields), name);
  fields.emplace_back(name, value);
  return fields;
}

inline boost::json::object json_of(const http::sync_result& r) {
  return boost::json::parse(r.res.body()).as_object();
}

// The id of the object an answer carries.
inline std::string id_of(const http::sync_result& r) {
  return std::string(json_of(r).at("id").as_string());
}

// The intent a create answered with; a decline answers a card_error that
// carries the intent, so its id is there.
inline std::string intent_id_of(const http::sync_result& r) {
  const auto body = json_of(r);
  if (const auto* error = body.if_contains("error")) {
    return std::string(error->at("payment_intent").at("id").as_string());
  }
  return std::string(body.at("id").as_string());
}

// The ids on one page of a Stripe list, in its order.
inline std::vector<std::string> ids_of(const boost::json::object& page) {
  std::vector<std::string> out;
  for (const auto& o : page.at("data").as_array()) {
    out.emplace_back(o.at("id").as_string());
  }
  return out;
}

// The available amount in `currency` of a GET /v1/balance answer; 0 if none.
inline std::int64_t available_of(const boost::json::object& balance,
                                 const std::string& currency) {
  for (const auto& b : balance.at("available").as_array()) {
    if (b.at("currency") == currency.c_str()) return b.at("amount").as_int64();
  }
  return 0;
}

// Headers of a call made on a connected account's behalf (Stripe-Account).
inline header_list as_account(const std::string& account,
                              const std::string& key = {}) {
  auto headers = auth_headers(key);
  headers.emplace_back("Stripe-Account", account);
  return headers;
}

// The id of an intent's charge (2020-08-27: its `charges` list), "" when
// it has none.
inline std::string charge_id_of(const boost::json::object& intent) {
  const auto& data = intent.at("charges").at("data").as_array();
  return data.empty() ? std::string{}
                      : std::string(data[0].at("id").as_string());
}

// POST /v1/checkout/sessions in Stripe's 2020-08-27 shape: one line item of
// `amount` minor units.
inline http::form_fields session_form(const std::string& amount = "1234",
                                      const std::string& currency = "usd") {
  return {{"mode", "payment"},
          {"payment_method_types[0]", "card"},
          {"line_items[0][price_data][currency]", currency},
          {"line_items[0][price_data][unit_amount]", amount},
          {"line_items[0][price_data][product_data][name]", "Order"},
          {"line_items[0][quantity]", "1"},
          {"success_url",
           "https://shop.example/done?session_id={CHECKOUT_SESSION_ID}"},
          {"cancel_url", "https://shop.example/cancelled"}};
}

// Moves pspsim's simulated clock forward (POST /sim/clock/advance).
inline void advance_clock(http::sync_client& client, std::int64_t seconds) {
  const auto r = client.post(
    "/sim/clock/advance?seconds=" + std::to_string(seconds), "", "text/plain");
  if (!r.ok || r.res.result_int() != 200) {
    throw std::runtime_error("advancing the clock failed: "
                             + (r.ok ? r.res.body() : r.error));
  }
}

inline std::string error_field(const http::sync_result& r, const char* field) {
  const auto body = json_of(r);
  const auto& value = body.at("error").at(field);
  return value.is_null() ? "<null>" : std::string(value.as_string());
}

inline std::string header_of(const http::sync_result& r, const char* name) {
  const auto it = r.res.find(name);
  return it == r.res.end() ? "" : std::string(it->value());
}

}  // namespace pay::pspsim::harness
