// One chaos round, start to verdict:
//   fresh database, pspsim and paymentd -> pspsim faults on -> clients send
//   the planned checkouts while paymentd is killed and PostgreSQL restarted
//   -> faults off -> wait until quiescent -> check every invariant.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tools/chaos/checks.hpp"
#include "tools/chaos/options.hpp"
#include "tools/chaos/violation.hpp"

namespace pay::chaos {

// Where the other executables are and how to reach the cluster.
struct environment {
  std::string admin_url;           // DATABASE_URL
  std::string pg_restart_command;  // CHAOS_PG_RESTART
  // CHAOS_PG_KILL_PRIMARY (--patroni): kills the Patroni primary's
  // postmaster and returns once a new primary serves behind HAProxy.
  std::string pg_kill_primary_command;
  std::string haproxy_bin;  // CHAOS_HAPROXY_BIN (--nodes N > 1)
  std::string paymentd_bin;
  std::string paymentd_config;
  std::string pspsim_bin;
};

struct round_outcome {
  std::uint32_t round = 0;
  std::uint64_t seed = 0;
  std::uint32_t checkouts = 0;
  round_figures figures;
  std::int64_t recoveries = 0;
  std::int64_t faults_injected = -1;  // -1: pspsim has no faults
  std::uint32_t kills = 0;
  std::uint32_t pg_restarts = 0;  // with --patroni: primary kills
  std::uint32_t pauses = 0;       // SIGSTOPs of a node past its lease
  violations found;
  std::vector<std::string> warnings;  // worth a look, not a broken promise
  std::vector<std::string> events;    // what the round did, in order
  std::string features;               // "faults idem-key history dlq" seen
  double seconds = 0;
  std::string log_dir;
  std::string database_name;
  bool kept = false;  // database and logs left for inspection
};

round_outcome run_round(const chaos_options& options, const environment& env,
                        std::uint32_t round);

// The sum of N over paymentd's "recovery: resuming N unfinished checkouts"
// lines in `log_paths`.
std::int64_t recovery_lines(const std::vector<std::string>& log_paths);

}  // namespace pay::chaos
