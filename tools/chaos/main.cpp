// chaos: tries hard to make paymentd charge twice, lose an order or book
// money wrongly, and reports precisely when it does. Wiring only: options,
// environment, rounds, report. See docs/chaos.md.
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <vector>

#include "tools/chaos/options.hpp"
#include "tools/chaos/report.hpp"
#include "tools/chaos/round.hpp"
#include "tools/chaos/self_test.hpp"

namespace {

std::string env_or(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value && *value ? value : fallback;
}

// Empty error on success.
std::string read_environment(const pay::chaos::chaos_options& options,
                             pay::chaos::environment& env) {
  env.admin_url = env_or("DATABASE_URL", "");
  if (env.admin_url.empty())
    return "DATABASE_URL is not set: give a superuser URL of a cluster, e.g. "
           "postgresql://payments@127.0.0.1:15434/postgres (scripts/chaos "
           "starts one)";
  env.pg_restart_command = env_or("CHAOS_PG_RESTART", "");
  env.pg_kill_primary_command = env_or("CHAOS_PG_KILL_PRIMARY", "");
  const bool pg_faults = options.pg_restarts > 0 && !options.self_test;
  if (env.pg_restart_command.empty() && pg_faults && !options.patroni)
    return "CHAOS_PG_RESTART is not set: give a shell command that restarts "
           "the cluster behind DATABASE_URL, or pass --pg-restarts 0";
  if (env.pg_kill_primary_command.empty() && pg_faults && options.patroni)
    return "CHAOS_PG_KILL_PRIMARY is not set: give a shell command that "
           "kills the Patroni primary's postmaster and waits for the new "
           "one (scripts/chaos --patroni does), or pass --pg-restarts 0";
  env.haproxy_bin = env_or("CHAOS_HAPROXY_BIN", "/usr/sbin/haproxy");
  if (options.nodes > 1 && ::access(env.haproxy_bin.c_str(), X_OK) != 0)
    return env.haproxy_bin + " is missing: --nodes needs HAProxy "
           "(scripts/chaos installs it)";
  const auto bin_dir = env_or("PAYMENTS_BIN_DIR", "");
  env.paymentd_bin = bin_dir.empty() ? CHAOS_PAYMENTD_BIN
                                     : bin_dir + "/paymentd";
  env.pspsim_bin = bin_dir.empty() ? CHAOS_PSPSIM_BIN : bin_dir + "/pspsim";
  env.paymentd_config = CHAOS_PAYMENTD_CONFIG;
  return {};
}

}  // namespace

int main(int argc, char** argv) {
  using namespace pay::chaos;
  const auto parsed = parse_options(argc, argv);
  if (parsed.help) {
    std::cout << usage();
    return 0;
  }
  if (!parsed.error.empty()) {
    std::cerr << "chaos: " << parsed.error << "\n" << usage();
    return 2;
  }
  const auto& options = parsed.options;
  environment env;
  if (auto err = read_environment(options, env); !err.empty()) {
    std::cerr << "chaos: " << err << "\n";
    return 2;
  }
  if (options.self_test) return run_self_test(options, env, std::cout);

  std::cout << "chaos: " << options.rounds << " rounds from seed "
            << options.seed << ", " << options.checkouts << " checkouts x "
            << options.orders_per_checkout << " orders, concurrency "
            << options.concurrency << ", " << options.kills << " kills, "
            << options.pg_restarts
            << (options.patroni ? " kills of the Patroni primary"
                                : " PostgreSQL restarts")
            << " per round";
  if (options.nodes > 1)
    std::cout << "; " << options.nodes << " nodes behind HAProxy on port "
              << options.port_base << ", " << options.pauses
              << " pauses per round";
  std::cout << "\n";
  print_table_header(std::cout, options);
  std::vector<round_outcome> rounds;
  for (std::uint32_t r = 0; r < options.rounds; ++r) {
    rounds.push_back(run_round(options, env, r));
    print_table_row(std::cout, rounds.back(), options);
  }
  bool any_violation = false;
  for (const auto& r : rounds) {
    print_round_details(std::cout, r, options);
    any_violation = any_violation || !r.found.empty();
  }
  print_summary(std::cout, rounds, options);
  return any_violation ? 1 : 0;
}
