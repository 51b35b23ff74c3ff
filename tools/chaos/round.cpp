#include "tools/chaos/round.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "domain/access/api_key.hpp"
#include "tools/chaos/dlq_requeue.hpp"
#include "tools/chaos/driver.hpp"
#include "tools/chaos/fence_check.hpp"
#include "tools/chaos/money_cycle.hpp"
#include "tools/chaos/plan.hpp"
#include "tools/chaos/psp_faults.hpp"
#include "tools/chaos/schedule.hpp"
#include "tools/chaos/stack.hpp"

namespace pay::chaos {

namespace {

using clock_type = std::chrono::steady_clock;
constexpr const char* recovery_marker = "recovery: resuming ";

constexpr double heavy_fault_scale = 3.0;
constexpr std::uint32_t heavy_retry_attempts_max = 3;

stack_options stack_settings(const environment& env, const std::string& db,
                             const std::string& log_dir,
                             const chaos_options& options) {
  stack_options s;
  if (options.faults == fault_level::heavy)
    s.psp_retry_attempts_max = heavy_retry_attempts_max;
  if (options.psp_key_ttl_s > 0) {
    s.pspsim_key_ttl_s = options.psp_key_ttl_s;
    s.psp_key_trust_s = options.psp_key_ttl_s - psp_key_trust_margin_s;
  }
  s.admin_url = env.admin_url;
  s.database_name = db;
  s.log_dir = log_dir;
  s.paymentd_bin = env.paymentd_bin;
  s.paymentd_config = env.paymentd_config;
  s.pspsim_bin = env.pspsim_bin;
  s.nodes = options.nodes;
  s.public_port = static_cast<std::uint16_t>(options.port_base);
  s.haproxy_bin = env.haproxy_bin;
  // paymentd takes only keys of its own shape (sk_test_ + 43 base62).
  s.admin_key = domain::generate_api_key(domain::key_mode::test);
  return s;
}

// Faults on, and which optional features this round has.
void switch_faults_on(round_outcome& out, http::sync_client& sim,
                      const schema_features& schema, std::uint64_t seed,
                      std::uint32_t psp_timeout_ms, fault_level level,
                      bool require_all) {
  const auto profile = level == fault_level::none
                         ? no_faults()
                         : moderate_faults(seed, psp_timeout_ms,
                                           level == fault_level::heavy
                                             ? heavy_fault_scale
                                             : 1.0);
  const auto status = set_faults(sim, profile);
  if (!status.error.empty())
    out.found.push_back({invariant::harness, status.error});
  const std::pair<bool, const char*> features[] = {
    {status.supported, "pspsim-faults"},
    {schema.idempotency_keys, "idempotency-key"},
    {schema.history, "history"},
    {schema.dead_letter, "dlq"},
    {schema.refunds && schema.payouts, "refunds-payouts"}};
  for (const auto& [present, name] : features) {
    out.features += std::string{out.features.empty() ? "" : " "}
                    + (present ? "+" : "-") + name;
    if (!present && require_all)
      out.found.push_back(
        {invariant::feature_missing, std::string{name} + " is not there"});
  }
}

std::string after_payin_line(const money_cycle_result& c) {
  std::ostringstream line;
  line << "after pay-in: " << c.orders_seen << " booked orders seen, "
       << c.fulfilled << " fulfilled, " << c.authorized_seen
       << " authorized for fulfilment (" << c.captures_asked << " captures and "
       << c.voids_asked << " voids asked), " << c.refund_stories
       << " refund stories (" << c.refunds_acknowledged.size()
       << " refunds acknowledged, " << c.refund_keys_refused.size()
       << " refused over the amount, " << c.key_reuses_refused
       << " key reuses refused), " << c.reconciliations << " reconciliations ("
       << c.reconciliations_failed << " failed), " << c.payout_runs
       << " pay-out runs; " << c.requests << " requests, " << c.resends
       << " resends";
  return line.str();
}

schedule_hooks hooks_for(driver& clients, round_stack& stack,
                         const environment& env, const chaos_options& options,
                         const std::string& log_dir, std::uint32_t checkouts) {
  schedule_hooks h;
  h.checkouts_done = [&clients] { return clients.checkouts_done(); };
  h.checkouts_total = checkouts;
  h.clients_finished = [&clients] { return clients.all_done(); };
  h.kill_paymentd = [&stack](std::uint32_t node, std::uint32_t down_ms) {
    return stack.kill_and_restart_paymentd(node, down_ms);
  };
  h.pause_node = [&stack](std::uint32_t node, std::uint32_t pause_ms,
                          std::string& done) {
    return stack.pause_node(node, pause_ms, done);
  };
  h.clustered = stack.clustered();
  if (options.patroni) {
    h.postgres_fault = "kill -9 PostgreSQL primary";
    h.restart_postgres = [&env, log_dir] {
      return run_shell(env.pg_kill_primary_command,
                       log_dir + "/pg-kill-primary.log");
    };
  } else {
    h.restart_postgres = [&env, log_dir] {
      return run_shell(env.pg_restart_command, log_dir + "/pg-restart.log");
    };
  }
  return h;
}

void drive_with_chaos(round_outcome& out, const chaos_options& options,
                      const environment& env, round_stack& stack,
                      const std::vector<planned_checkout>& plan,
                      const schema_features& schema, drive_result& drive,
                      money_cycle_result& cycle) {
  drive_settings settings;
  settings.concurrency = options.concurrency;
  settings.seed = out.seed;
  settings.client.api_key = stack.admin_key();
  driver clients{plan, stack.paymentd_port(), settings};
  money_cycle_settings cycle_settings;
  cycle_settings.seed = out.seed;
  cycle_settings.client.api_key = stack.admin_key();
  money_cycle after_payin{stack.database_url(), stack.paymentd_port(),
                          cycle_settings};
  const bool with_cycle = schema.refunds && schema.payouts;
  clients.start();
  if (with_cycle) after_payin.start();
  schedule_counts counts;
  counts.kills = options.kills;
  counts.pg_restarts = options.pg_restarts;
  counts.pauses = options.pauses;
  counts.nodes = options.nodes;
  counts.lease_ms = cluster_settings{}.lease_ms;
  const auto schedule = make_schedule(counts, out.seed);
  // On this thread: it started paymentd and outlives every restart of it.
  auto report = run_schedule(schedule, hooks_for(clients, stack, env, options,
                                                 out.log_dir, out.checkouts));
  if (!report.found.empty()) {
    clients.abort();
    after_payin.abort();
  }
  drive = clients.finish();
  if (with_cycle) {
    cycle = after_payin.finish();
    for (auto& v : cycle.found) out.found.push_back(std::move(v));
    for (auto& w : cycle.warnings) out.warnings.push_back(std::move(w));
    out.events.push_back(after_payin_line(cycle));
  }
  out.kills = report.kills;
  out.pg_restarts = report.pg_restarts;
  out.pauses = report.pauses;
  out.events.insert(out.events.end(), report.events.begin(),
                    report.events.end());
  for (auto& v : report.found) out.found.push_back(std::move(v));
  for (auto& v : drive.found) out.found.push_back(std::move(v));
  std::ostringstream line;
  line << "clients: " << drive.requests << " requests, " << drive.resends
       << " resends, " << drive.no_answer << " without answer, "
       << drive.answers_503 << "x503, " << drive.answers_500 << "x500, "
       << drive.answers_409_in_use << "x409 in use, " << drive.refusals_sent
       << " key reuses sent";
  if (stack.clustered())
    line << ", " << drive.answers_proxy << " HAProxy 502/504";
  out.events.push_back(line.str());
  if (drive.answers_500 > 0)
    out.warnings.push_back(std::to_string(drive.answers_500)
                           + " answers were 500 internal_error (docs/api.md:"
                             " \"a bug\"); the clients resent them");
}

// Invariant 14: what the database's fence promises, looked at afterwards.
void check_cluster_writes(round_outcome& out, const std::string& database_url) {
  auto fenced = check_fenced_writes(database_url);
  out.events.push_back(
    "cluster: " + std::to_string(fenced.incarnations) + " incarnations, "
    + std::to_string(fenced.rows_checked)
    + " history and ledger rows checked against their writer's lease, "
    + std::to_string(fenced.found.size()) + " written after it ended");
  for (auto& v : fenced.found) out.found.push_back(std::move(v));
}

bool has_harness_failure(const violations& found) {
  for (const auto& v : found)
    if (v.which == invariant::harness) return true;
  return false;
}

// Waits for quiescence, requeueing dead-lettered refunds and pay-outs
// first and again every pass: a call made before faults went off can still
// fail afterwards and spend its budget, so one requeue right after is not
// the last. Orders' dead letters stay as they are (invariant 5 lists them).
quiesce_result settle_with_requeues(round_outcome& out, round_stack& stack,
                                    const schema_features& schema,
                                    std::uint32_t timeout_ms) {
  constexpr std::uint32_t pass_ms = 5'000;
  const auto started = std::chrono::steady_clock::now();
  const auto deadline = started + std::chrono::milliseconds{timeout_ms};
  requeue_report money;
  quiesce_result settled;
  do {
    if (timeout_ms > 0 && schema.payouts) {
      auto pass = requeue_money_dead_letters(stack.paymentd_port(),
                                             stack.admin_key());
      money.listed += pass.listed;
      money.requeued += pass.requeued;
      for (auto& v : pass.found) out.found.push_back(std::move(v));
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                        deadline - std::chrono::steady_clock::now())
                        .count();
    settled = wait_quiescent(
      stack.database_url(), schema,
      static_cast<std::uint32_t>(
        std::clamp<std::int64_t>(left, 0, std::int64_t{pass_ms})));
  } while (!settled.quiescent && std::chrono::steady_clock::now() < deadline);
  settled.waited_ms = static_cast<std::uint32_t>(
    std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started)
      .count());
  if (schema.payouts)
    out.events.push_back("requeued " + std::to_string(money.requeued) + " of "
                         + std::to_string(money.listed)
                         + " dead-lettered refunds and pay-outs");
  return settled;
}

void settle_and_check(round_outcome& out, const chaos_options& options,
                      round_stack& stack, http::sync_client& sim,
                      const schema_features& schema,
                      const std::vector<planned_checkout>& plan,
                      const drive_result& drive,
                      const money_cycle_result& cycle) {
  if (const auto off = set_faults(sim, no_faults()); !off.error.empty())
    out.found.push_back({invariant::harness, off.error});
  // After a harness failure paymentd may be gone: no point in waiting.
  const bool broken = has_harness_failure(out.found);
  const auto settled = settle_with_requeues(
    out, stack, schema, broken ? 0 : options.quiesce_timeout_s * 1'000);
  out.events.push_back("quiescent: "
                       + std::string{settled.quiescent ? "yes" : "NO"}
                       + " after " + std::to_string(settled.waited_ms) + " ms");
  if (!settled.quiescent)
    out.found.push_back(
      {invariant::quiescence,
       settled.orders_settled
         ? "every order settled, but "
             + std::to_string(settled.unsettled.size())
             + " all-SUCCESS checkouts were still not marked done "
             + std::to_string(checkout_mark_grace_ms / 1'000)
             + " s later (listed under 1)"
         : "not quiescent after " + std::to_string(options.quiesce_timeout_s)
             + " s: " + std::to_string(settled.unsettled.size())
             + " orders still have work (listed under 1)"});
  check_input in{
    stack.database_url(), stack.pspsim_port(), schema, &plan, &drive, &cycle};
  for (auto& v : check_invariants(in)) out.found.push_back(std::move(v));
  if (stack.clustered()) check_cluster_writes(out, stack.database_url());
  out.figures = collect_figures(stack.database_url(), stack.pspsim_port(),
                                schema);
  const auto counters = read_fault_counters(sim);
  if (counters.supported) out.faults_injected = counters.injected_total;
  if (!counters.error.empty()) out.warnings.push_back(counters.error);
  out.recoveries = out.figures.recovered >= 0
                     ? out.figures.recovered
                     : recovery_lines(stack.paymentd_logs());
}

// Only after a clean check: a second verdict on a broken round would
// repeat the first.
void requeue_and_recheck(round_outcome& out, const chaos_options& options,
                         round_stack& stack, const schema_features& schema,
                         const std::vector<planned_checkout>& plan,
                         const drive_result& drive,
                         const money_cycle_result& cycle) {
  if (!schema.dead_letter || out.figures.dlq_open <= 0 || !out.found.empty())
    return;
  auto report = requeue_open_dead_letters(stack.database_url(),
                                          stack.paymentd_port(),
                                          stack.admin_key());
  for (auto& v : report.found) out.found.push_back(std::move(v));
  const auto settled = wait_quiescent(stack.database_url(), schema,
                                      options.quiesce_timeout_s * 1'000);
  check_input in{
    stack.database_url(), stack.pspsim_port(), schema, &plan, &drive, &cycle};
  for (auto& v : check_invariants(in)) {
    v.detail = "after requeueing the DLQ: " + v.detail;
    out.found.push_back(std::move(v));
  }
  if (!settled.quiescent)
    out.found.push_back(
      {invariant::quiescence, "requeued dead letters did not settle in "
                                + std::to_string(options.quiesce_timeout_s)
                                + " s (listed under 1)"});
  const auto after = collect_figures(stack.database_url(), stack.pspsim_port(),
                                     schema);
  out.events.push_back("requeued " + std::to_string(report.requeued) + " of "
                       + std::to_string(report.listed)
                       + " open dead letters; then "
                       + std::to_string(after.success) + " SUCCESS, "
                       + std::to_string(after.failed) + " FAILED, "
                       + std::to_string(after.dlq_open) + " in the DLQ, "
                       + std::to_string(after.charges) + " charges");
}

void write_round_file(const round_outcome& out) {
  std::ofstream f{out.log_dir + "/round.txt"};
  f << "round " << out.round << " seed " << out.seed << " features "
    << out.features << "\n";
  for (const auto& e : out.events) f << "event: " << e << "\n";
  for (const auto& w : out.warnings) f << "warning: " << w << "\n";
  for (const auto& v : out.found)
    f << "violation [" << to_string(v.which) << "] " << v.detail << "\n";
}

void clean_up(round_outcome& out, const chaos_options& options,
              round_stack& stack) {
  for (auto& w : stack.stop()) out.warnings.push_back(std::move(w));
  out.kept = options.keep_logs || !out.found.empty();
  write_round_file(out);
  if (out.kept) return;
  if (auto err = stack.drop_database(); !err.empty())
    out.warnings.push_back(err);
  std::error_code ec;
  std::filesystem::remove_all(out.log_dir, ec);
}

}  // namespace

std::int64_t recovery_lines(const std::vector<std::string>& log_paths) {
  std::int64_t total = 0;
  for (const auto& path : log_paths) {
    std::ifstream in{path};
    std::string line;
    while (std::getline(in, line)) {
      const auto at = line.find(recovery_marker);
      if (at == std::string::npos) continue;
      total += std::atoll(line.c_str() + at
                          + std::string{recovery_marker}.size());
    }
  }
  return total;
}

round_outcome run_round(const chaos_options& options, const environment& env,
                        std::uint32_t round) {
  const auto started = clock_type::now();
  round_outcome out;
  out.round = round;
  out.seed = options.seed + round;
  out.checkouts = options.checkouts;
  out.database_name = "chaos_" + std::to_string(::getpid()) + "_r"
                      + std::to_string(round) + "_s" + std::to_string(out.seed);
  out.log_dir = options.log_dir + "/" + out.database_name;
  std::filesystem::create_directories(out.log_dir);
  round_stack stack{
    stack_settings(env, out.database_name, out.log_dir, options)};
  schema_features schema;
  std::string error = stack.start();
  if (error.empty()) error = detect_schema(stack.database_url(), schema);
  if (!error.empty()) {
    out.found.push_back({invariant::harness, error});
  } else {
    http::sync_client sim{"127.0.0.1", stack.pspsim_port()};
    const auto psp_timeout_ms = stack_options{}.psp_request_timeout_ms;
    switch_faults_on(out, sim, schema, out.seed, psp_timeout_ms, options.faults,
                     options.require_all_features);
    const auto plan = make_plan(plan_options{round, options.checkouts,
                                             options.orders_per_checkout,
                                             schema.idempotency_keys},
                                out.seed);
    drive_result drive;
    money_cycle_result cycle;
    drive_with_chaos(out, options, env, stack, plan, schema, drive, cycle);
    settle_and_check(out, options, stack, sim, schema, plan, drive, cycle);
    requeue_and_recheck(out, options, stack, schema, plan, drive, cycle);
  }
  clean_up(out, options, stack);
  out.seconds =
    std::chrono::duration<double>(clock_type::now() - started).count();
  return out;
}

}  // namespace pay::chaos
