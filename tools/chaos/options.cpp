#include "tools/chaos/options.hpp"

#include <cstdlib>
#include <limits>
#include <random>
#include <vector>

#include "testkit/command_line.hpp"

namespace pay::chaos {

namespace {

using option_spec = testkit::option_spec<chaos_options>;
using setter = decltype(option_spec::set);
using testkit::parse_number;

// HAProxy's config names each node; more would only slow a round down.
constexpr std::uint32_t max_nodes = 9;

setter u32_field(std::uint32_t chaos_options::*field, std::uint64_t min,
                 std::uint64_t max) {
  return [=](chaos_options& o, const std::string& text) {
    std::uint64_t value = 0;
    auto err = parse_number(text, min, max, value);
    if (err.empty()) o.*field = static_cast<std::uint32_t>(value);
    return err;
  };
}

setter flag(bool chaos_options::*field) {
  return [=](chaos_options& o, const std::string&) {
    o.*field = true;
    return std::string{};
  };
}

const std::vector<option_spec>& specs() {
  static const std::vector<option_spec> all = {
    {"rounds", true, u32_field(&chaos_options::rounds, 1, 100'000)},
    {"seed", true,
     [](chaos_options& o, const std::string& text) {
       std::uint64_t value = 0;
       auto err = parse_number(text, 0,
                               std::numeric_limits<std::uint64_t>::max() / 2,
                               value);
       if (err.empty()) {
         o.seed = value;
         o.seed_given = true;
       }
       return err;
     }},
    // 100 is paymentd's api.orders_per_checkout_max.
    {"checkouts", true, u32_field(&chaos_options::checkouts, 1, 100'000)},
    {"orders-per-checkout", true,
     u32_field(&chaos_options::orders_per_checkout, 1, 100)},
    {"concurrency", true, u32_field(&chaos_options::concurrency, 1, 512)},
    {"kills", true, u32_field(&chaos_options::kills, 0, 100)},
    {"pg-restarts", true, u32_field(&chaos_options::pg_restarts, 0, 20)},
    {"quiesce-timeout-s", true,
     u32_field(&chaos_options::quiesce_timeout_s, 1, 3600)},
    {"psp-key-ttl-s", true,
     [](chaos_options& o, const std::string& text) {
       std::uint64_t value = 0;
       auto err = parse_number(text, 0, 31'536'000, value);
       if (err.empty() && value != 0 && value <= psp_key_trust_margin_s)
         err = "0 (off) or more than " + std::to_string(psp_key_trust_margin_s)
               + ", not " + text;
       if (err.empty()) o.psp_key_ttl_s = static_cast<std::uint32_t>(value);
       return err;
     }},
    {"faults", true,
     [](chaos_options& o, const std::string& text) {
       if (text == "none")
         o.faults = fault_level::none;
       else if (text == "moderate")
         o.faults = fault_level::moderate;
       else if (text == "heavy")
         o.faults = fault_level::heavy;
       else
         return "none, moderate or heavy, not '" + text + "'";
       return std::string{};
     }},
    {"nodes", true, u32_field(&chaos_options::nodes, 1, max_nodes)},
    {"pauses", true, u32_field(&chaos_options::pauses, 0, 20)},
    // Room for HAProxy and every node below 65536.
    {"port-base", true,
     u32_field(&chaos_options::port_base, 1'024, 65'535 - max_nodes)},
    {"patroni", false, flag(&chaos_options::patroni)},
    {"keep-logs", false, flag(&chaos_options::keep_logs)},
    {"require-all-features", false, flag(&chaos_options::require_all_features)},
    {"self-test", false, flag(&chaos_options::self_test)},
    {"log-dir", true,
     [](chaos_options& o, const std::string& text) {
       o.log_dir = text;
       return text.empty() ? std::string{"--log-dir must not be empty"}
                           : std::string{};
     }},
  };
  return all;
}

// Runs when no --seed was given: the seed is printed, so the run can still
// be replayed.
std::uint64_t fresh_seed() {
  std::random_device device;
  return ((std::uint64_t{device()} << 32) | device()) % 1'000'000'000;
}

}  // namespace

const char* usage() {
  return "usage: chaos [--rounds N] [--seed S] [--checkouts 300]\n"
         "             [--orders-per-checkout 3] [--concurrency 64]\n"
         "             [--kills 3] [--pg-restarts 1] [--quiesce-timeout-s 120]\n"
         "             [--psp-key-ttl-s 5 (0: off)]\n"
         "             [--faults none|moderate|heavy] [--keep-logs]\n"
         "             [--nodes 1] [--pauses 1] [--port-base 16600]\n"
         "             [--patroni]\n"
         "             [--require-all-features] [--log-dir DIR]\n"
         "       chaos --self-test [--log-dir DIR]\n"
         "Environment: DATABASE_URL (superuser URL; a fresh database per\n"
         "round), CHAOS_PG_RESTART (shell command restarting that cluster;\n"
         "needed unless --pg-restarts 0 or --patroni), CHAOS_PG_KILL_PRIMARY\n"
         "(with --patroni: kills the primary's postmaster and waits for the\n"
         "failover), CHAOS_HAPROXY_BIN (/usr/sbin/haproxy), CHAOS_LOG_DIR,\n"
         "PAYMENTS_BIN_DIR.\n"
         "Round r runs with seed S + r; replay it with --rounds 1 --seed S+r.\n";
}

parse_result parse_options(int argc, const char* const* argv) {
  parse_result out;
  out.error = testkit::apply_options(argc, argv, specs(), out.options,
                                     out.help);
  if (!out.error.empty() || out.help) return out;
  if (!out.options.seed_given) out.options.seed = fresh_seed();
  if (out.options.log_dir.empty()) {
    const char* env = std::getenv("CHAOS_LOG_DIR");
    out.options.log_dir = env && *env ? env : "chaos-logs";
  }
  return out;
}

}  // namespace pay::chaos
