#include "actors/reconcile/reconcile_runner.hpp"

// One run: get the day's settled lines from the settlement source (the
// PSP's balance transactions or its CSV file), load our side, match (a pure
// function), then write everything the plan says in ONE transaction, so a
// crash mid-run leaves nothing half-applied and a re-run finds what the
// first one wrote (unique keys make the second write nothing new).
//
// Then the follow-up: exceptions whose order still waited on the PSP when
// the PSP settled its charge (the run poked those orders) are finished once
// the order is final, each in a transaction of its own under its day's
// lock: SUCCESS moves the money from suspense to the receivable and settles
// the order, FAILED escalates. It runs after every run, and a few times in
// the minutes after a run that poked orders (their answers take seconds).

#include <chrono>
#include <iterator>
#include <type_traits>
#include <unordered_set>
#include <utility>

#include "actors/reconcile/reconciliation_report.hpp"
#include "actors/reconcile/settlement_source.hpp"
#include "domain/common/rfc3339.hpp"
#include "domain/reconcile/settlement_csv.hpp"
#include "observability/log.hpp"
#include "observability/metrics.hpp"
#include "persistence/cluster/cluster_sql.hpp"
#include "persistence/common/db_session.hpp"
#include "persistence/reconcile/reconciliation_sql.hpp"

namespace pay {

namespace {

using clock_type = std::chrono::steady_clock;

// Pauses of 0.1 .. 3.2 s between attempts: a database restart's length.
constexpr int run_attempts_max = 7;

// After a run that poked orders: the follow-up again after these delays,
// then only after the next run.
constexpr std::chrono::seconds follow_up_delays[] = {std::chrono::seconds{2},
                                                     std::chrono::seconds{10},
                                                     std::chrono::seconds{60},
                                                     std::chrono::seconds{300}};
// Exceptions one follow-up looks at, at most (each is one transaction).
constexpr std::uint32_t follow_up_batch_max = 1'000;

struct reconciler_state {
  reconciler_options options;
  std::unique_ptr<persistence::db_session> db;
  std::unique_ptr<settlement_source> source;  // null: options.source unknown
  static inline const char* name = "reconciler";
};

using reconciler_self =
  reconcile_runner_actor::stateful_pointer<reconciler_state>;

std::uint64_t ms_since(clock_type::time_point start) {
  return static_cast<std::uint64_t>(
    std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now()
                                                          - start)
      .count());
}

std::string utc_date(std::chrono::system_clock::time_point at) {
  return domain::to_rfc3339_utc(at).substr(0, 10);
}

// Until the next `minute` after midnight UTC, at least one second.
std::chrono::seconds until_next(std::uint32_t minute) {
  auto now_s = domain::unix_now_s();
  const std::int64_t day_s = 86'400;
  std::int64_t target = now_s - now_s % day_s + std::int64_t{minute} * 60;
  if (target <= now_s) target += day_s;
  return std::chrono::seconds{target - now_s};
}

reconciliation_report failed(reconciler_self self, const std::string& date,
                             const std::string& error,
                             const std::string& correlation_id,
                             bool database_unavailable = false) {
  reconciliation_report out{0,        date,
                            "failed", render_failed_report(date, error),
                            error,    database_unavailable};
  auto db_error = self->state.db->in_transaction([&](pqxx::work& txn) {
    out.run_id = persistence::record_failed_run(txn, date, error,
                                                out.report_json);
  });
  obs::metrics::get().reconciliation_run("failed", 0);
  log::error(correlation_id, "reconciliation of {} failed: {}{}", date, error,
             db_error.empty() ? "" : " (not recorded: " + db_error + ")");
  return out;
}

// Money the reconciler does not read (a dispute, a transfer) is not
// silent: the report lists it by type and the log says so.
void note_skipped(const settlement_source_facts& facts, const std::string& date,
                  const std::string& correlation_id) {
  if (facts.skipped_by_type.empty()) return;
  std::string types;
  for (const auto& [type, n] : facts.skipped_by_type)
    types += (types.empty() ? "" : ", ") + type + " " + std::to_string(n);
  log::warn(correlation_id,
            "reconciliation {}: balance transactions not reconciled, by type: "
            "{}",
            date, types);
}

// New discrepancies are counted; escalated ones are also logged as errors.
void announce(const domain::reconciliation_plan& plan,
              const std::vector<std::string>& new_keys,
              const std::string& correlation_id) {
  std::unordered_set<std::string> fresh{new_keys.begin(), new_keys.end()};
  for (const auto& e : plan.exceptions) {
    if (fresh.count(e.key) == 0) continue;
    obs::metrics::get().reconciliation_exception(domain::to_string(e.kind),
                                                 domain::to_string(e.route));
    if (e.route == domain::reconcile_route::escalated)
      log::error(correlation_id, "reconciliation {} ESCALATED {} ({}): {}",
                 plan.date, domain::to_string(e.kind), e.key, e.message);
  }
}

// Finishes the exceptions whose order waited on the PSP and is final now.
void follow_up(reconciler_self self, const std::string& correlation_id) {
  auto& db = *self->state.db;
  std::vector<std::int64_t> candidates;
  auto error = db.in_transaction([&](pqxx::work& txn) {
    candidates = persistence::follow_up_candidates(txn, follow_up_batch_max);
  });
  if (!error.empty()) {
    log::warn(correlation_id, "reconciliation follow-up skipped: {}", error);
    return;
  }
  for (auto id : candidates) {
    persistence::follow_up_outcome done;
    error = db.in_transaction([&](pqxx::work& txn) {
      done = persistence::follow_up_exception(txn, id);
    });
    const auto& e = done.exception;
    if (!error.empty()) {
      log::warn(correlation_id, "reconciliation follow-up of exception {}: {}",
                id, error);
    } else if (done.result == persistence::follow_up_result::corrected) {
      log::info(correlation_id,
                "reconciliation {} exception {} ({}): order {} succeeded, "
                "suspense moved to psp_receivable (ledger transaction {})",
                e.date, id, e.kind, e.our_id, e.correction_transaction_id);
    } else if (done.result == persistence::follow_up_result::escalated) {
      obs::metrics::get().reconciliation_exception(e.kind, "escalated");
      log::error(correlation_id,
                 "reconciliation {} ESCALATED {} (exception {}): order {} "
                 "failed after the PSP settled its charge",
                 e.date, e.kind, id, e.our_id);
    }
  }
}

reconciliation_report run(reconciler_self self, const std::string& date,
                          const std::string& correlation_id) {
  auto& st = self->state;
  if (!domain::is_settlement_date(date))
    return failed(self, date, "not a date (YYYY-MM-DD): " + date,
                  correlation_id);
  if (!st.source)
    return failed(self, date,
                  "reconcile.source '" + st.options.source
                    + "' is neither balance_transactions nor settlement_csv",
                  correlation_id);
  run_timings_ms timings;
  const auto started = clock_type::now();
  auto day = st.source->settled_lines_of(date);
  timings.fetch = day.fetch_ms;
  timings.parse = day.parse_ms;
  if (!day.error.empty()) return failed(self, date, day.error, correlation_id);
  auto& file = day.file;
  const auto& sha = day.content_sha256;
  note_skipped(day.facts, date, correlation_id);

  auto step = clock_type::now();
  domain::reconciliation_plan plan;
  persistence::applied_plan applied;
  std::string report;
  // A deadlock with pay-in writes or a database restart is worth another
  // try: the whole run starts again from our side's load.
  auto outcome = st.db->in_transaction_retrying(
    [&](pqxx::work& txn) {
      step = clock_type::now();
      auto ours = persistence::load_books(txn, file);
      timings.load = ms_since(step);
      step = clock_type::now();
      plan = domain::reconcile(file, ours,
                               domain::reconcile_inputs{st.options.fee_terms});
      timings.match = ms_since(step);
      step = clock_type::now();
      applied = persistence::apply_plan(txn, file, plan, sha);
      timings.write = ms_since(step);
      timings.total = ms_since(started);
      report = render_reconciliation_report(plan, applied, sha, timings,
                                            day.facts);
      persistence::update_report(txn, applied.run_id, report);
    },
    run_attempts_max);
  if (!outcome.error.empty())
    return failed(self, date, "database: " + outcome.error, correlation_id,
                  outcome.transient);

  obs::metrics::get().reconciliation_run("completed", plan.counts.lines);
  announce(plan, applied.new_keys, correlation_id);
  for (const auto& order : plan.orders_to_poll)
    caf::anon_send(st.options.service,
                   psp_webhook{"recon:" + date + ":" + order.value,
                               "reconciliation.status_mismatch", order});
  follow_up(self, correlation_id);
  if (!plan.orders_to_poll.empty())
    self->delayed_send(self, follow_up_delays[0],
                       reconcile_follow_up_atom::value, std::uint32_t{0});
  log::info(correlation_id,
            "reconciliation {} run {}: {} lines, {} matched, {} auto-corrected,"
            " {} queued, {} escalated, {} new exceptions, {} ms",
            date, applied.run_id, plan.counts.lines, plan.counts.matched,
            plan.counts.auto_corrected, plan.counts.queued,
            plan.counts.escalated, applied.new_exceptions, timings.total);
  return reconciliation_report{
    applied.run_id, date, "completed", std::move(report), {}};
}

void schedule_daily(reconciler_self self) {
  if (auto minute = self->state.options.daily_minute_utc)
    self->delayed_send(self, until_next(*minute), reconcile_daily_atom::value);
}

reconcile_runner_actor::behavior_type runner_behavior(
  reconciler_self self, reconciler_options options) {
  self->state.db = std::make_unique<persistence::db_session>(
    options.database_url);
  self->state.source = make_settlement_source(
    {options.source, options.psp_api_key, options.psp_stripe_version},
    psp_opener_for(
      {options.psp_base_url, options.psp_ca_file, options.fetch_timeout_ms}));
  self->state.options = std::move(options);
  schedule_daily(self);
  return {
    [=](const run_reconciliation& cmd) -> caf::result<reconciliation_report> {
      return run(self, cmd.date, cmd.correlation_id);
    },
    [=](reconcile_daily_atom) {
      schedule_daily(self);
      // In a cluster, one node holds the daily run; the others skip it.
      bool may_run = false;
      auto error = self->state.db->in_transaction([&](pqxx::work& txn) {
        may_run = persistence::may_run_job(txn, "reconcile_daily");
      });
      if (!error.empty() || !may_run) {
        if (!error.empty())
          spdlog::warn("daily reconciliation skipped: {}", error);
        return;
      }
      auto yesterday = utc_date(std::chrono::system_clock::now()
                                - std::chrono::hours{24});
      run(self, yesterday, "daily-" + yesterday);
    },
    [=](reconcile_follow_up_atom, std::uint32_t round) {
      follow_up(self, "follow-up");
      auto next = round + 1;
      if (next < std::size(follow_up_delays))
        self->delayed_send(self, follow_up_delays[next],
                           reconcile_follow_up_atom::value, next);
    },
  };
}

}  // namespace

reconcile_runner_actor spawn_reconcile_runner(caf::actor_system& sys,
                                              reconciler_options options) {
  return sys.spawn<caf::detached>(runner_behavior, std::move(options));
}

}  // namespace pay
