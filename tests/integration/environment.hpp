// The stack every integration test runs against, started once per binary run
// by a GoogleTest global Environment: a fresh PostgreSQL database made through
// DATABASE_URL, a pspsim and a paymentd on ports the system picked. TearDown
// stops both processes and drops the database.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "testkit/process.hpp"

namespace pay::it {

// The admin key the test paymentd is started with (its bootstrap key),
// made once per run of the binary.
const std::string& test_admin_key();

class stack_environment : public ::testing::Environment {
 public:
  void SetUp() override;
  void TearDown() override;

  // False when SetUp failed; `setup_error()` then says why.
  bool ready() const { return setup_error_.empty(); }
  const std::string& setup_error() const { return setup_error_; }

  // The fresh database (a libpq URL) paymentd uses; tests query it directly.
  const std::string& database_url() const { return database_url_; }
  std::uint16_t paymentd_port() const { return paymentd_port_; }
  std::uint16_t pspsim_port() const { return pspsim_port_; }

  // SIGTERM, wait for the exit, start again on a new port. Empty on success,
  // else why not. The exit code of the stopped process is kept for tests.
  std::string restart_paymentd();
  using env_list = std::vector<std::pair<std::string, std::string>>;
  // restart_paymentd with these environment variables on top of the
  // stack's own (until the next call or reset).
  std::string restart_paymentd_with(env_list extra_env);
  // A new world: both processes stopped, a fresh database, both started
  // again with the stack's own settings. For tests that need a day of their
  // own (reconciliation compares everything settled that day).
  std::string reset();
  // kill -9, then start again on a new port: a crash mid-flight.
  std::string kill_and_restart_paymentd();
  int last_paymentd_exit_code() const { return last_paymentd_exit_code_; }

  // Positions in the children's logs, to print what they wrote during one
  // test when it fails.
  struct log_marks {
    std::size_t pspsim = 0;
    std::size_t paymentd = 0;
    int paymentd_generation = 0;
  };
  log_marks mark_logs() const;
  void print_logs_since(const log_marks& marks) const;

 private:
  std::string create_database();
  std::string start_pspsim();
  std::string start_paymentd();
  void drop_database();

  std::string setup_error_;
  std::string admin_url_;  // DATABASE_URL as given
  std::string database_name_;
  std::string database_url_;  // the fresh database
  child_process pspsim_;
  child_process paymentd_;
  int paymentd_generation_ = 0;  // one log file per start
  std::uint16_t pspsim_port_ = 0;
  std::uint16_t paymentd_port_ = 0;
  int last_paymentd_exit_code_ = -1;
  env_list extra_env_;
};

// The registered environment (registered before main runs).
stack_environment& stack();

}  // namespace pay::it
