// When the round hurts the system: kill -9 of paymentd (in a cluster: of one
// node), SIGSTOP of a cluster node past its lease, and restarts of
// PostgreSQL (with --patroni: kill -9 of the primary), each at a point of the clients' progress drawn from the seed
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
  pause_node = 3,
};

struct chaos_action {
  action_kind kind;
  std::uint32_t at_permille;  // of the planned checkouts done
  std::uint32_t delay_ms;     // after that point, before acting
  // kill: how long nothing listens; pause: how long the node is stopped.
  std::uint32_t down_ms;
  std::uint32_t node = 0;  // kill and pause in a cluster: which (0-based)
};

struct schedule_counts {
  std::uint32_t kills = 0;
  std::uint32_t pg_restarts = 0;
  std::uint32_t pauses = 0;  // only with nodes > 1
  std::uint32_t nodes = 1;
  std::uint32_t lease_ms = 0;  // a pause lasts longer than this
};

// Sorted by at_permille. With one node and no pauses, the same schedule
// from the same seed as before clusters existed.
std::vector<chaos_action> make_schedule(const schedule_counts& counts,
                                        std::uint64_t seed);

struct schedule_hooks {
  std::function<std::uint32_t()> checkouts_done;
  std::uint32_t checkouts_total = 0;
  std::function<bool()> clients_finished;
  // Each returns an empty string on success, else what went wrong.
  std::function<std::string(std::uint32_t node, std::uint32_t down_ms)>
    kill_paymentd;
  // `done` says how the node came back.
  std::function<std::string(std::uint32_t node, std::uint32_t pause_ms,
                            std::string& done)>
    pause_node;
  std::function<std::string()> restart_postgres;
  // How the events name the faults.
  bool clustered = false;
  std::string postgres_fault = "restart PostgreSQL";
};

struct schedule_report {
  std::uint32_t kills = 0;
  std::uint32_t pg_restarts = 0;
  std::uint32_t pauses = 0;
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
