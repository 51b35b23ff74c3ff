// When the round hurts the system: kill -9 of paymentd and restarts of
// PostgreSQL, each at a point of the clients' progress drawn from the seed
// ("when 37% of the checkouts are done"), so the disruptions land while work
// is in flight however fast the machine is. Actions still pending when the
// clients finish run at once, while the orders are still settling.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "tools/chaos/violation.hpp"

namespace pay::chaos {

enum class action_kind : std::uint8_t {
  kill_paymentd = 1,
  restart_postgres = 2,
};

struct chaos_action {
  action_kind kind;
  std::uint32_t at_permille;  // of the planned checkouts done
  std::uint32_t delay_ms;     // after that point, before acting
  std::uint32_t down_ms;      // kill: how long nothing listens
};

// Sorted by at_permille.
std::vector<chaos_action> make_schedule(std::uint32_t kills,
                                        std::uint32_t pg_restarts,
                                        std::uint64_t seed);

struct schedule_hooks {
  std::function<std::uint32_t()> checkouts_done;
  std::uint32_t checkouts_total = 0;
  std::function<bool()> clients_finished;
  // Each returns an empty string on success, else what went wrong.
  std::function<std::string(std::uint32_t down_ms)> kill_paymentd;
  std::function<std::string()> restart_postgres;
};

struct schedule_report {
  std::uint32_t kills = 0;
  std::uint32_t pg_restarts = 0;
  violations found;                 // actions that could not be carried out
  std::vector<std::string> events;  // "kill at 31% (+120 ms): ok", ...
};

// Runs every action in order and returns once all ran. Must run on the
// thread that started paymentd and keeps living after it: a child started
// with PR_SET_PDEATHSIG dies with the thread that forked it.
schedule_report run_schedule(const std::vector<chaos_action>& schedule,
                             const schedule_hooks& hooks);

// Runs `command` with /bin/sh, its output appended to `log_path` and none of
// our descriptors inherited. Empty on exit code 0, else what happened.
std::string run_shell(const std::string& command, const std::string& log_path);

}  // namespace pay::chaos
