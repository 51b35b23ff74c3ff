#include "actors/reconcile/reconciler.hpp"

// One run: download the day's file, parse it, load our side, match (a pure
// function), then write everything the plan says in ONE transaction, so a
// crash mid-run leaves nothing half-applied and a re-run finds what the
// first one wrote (unique keys make the second write nothing new).

#include <chrono>
#include <type_traits>
#include <unordered_set>
#include <utility>

#include "actors/reconcile/reconciliation_report.hpp"
#include "domain/common/rfc3339.hpp"
#include "domain/common/sha256.hpp"
#include "domain/reconcile/settlement_csv.hpp"
#include "http/client_pool.hpp"
#include "http/sync_client.hpp"
#include "observability/log.hpp"
#include "observability/metrics.hpp"
#include "persistence/common/db_session.hpp"
#include "persistence/reconcile/reconciliation_sql.hpp"

namespace pay {

namespace {

using clock_type = std::chrono::steady_clock;

// Pauses of 0.1 .. 3.2 s between attempts: a database restart's length.
constexpr int run_attempts_max = 7;

struct reconciler_state {
  reconciler_options options;
  std::unique_ptr<persistence::db_session> db;
  static inline const char* name = "reconciler";
};

using reconciler_self = reconciler_actor::stateful_pointer<reconciler_state>;

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
  auto now_s = std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  const std::int64_t day_s = 86'400;
  std::int64_t target = now_s - now_s % day_s + std::int64_t{minute} * 60;
  if (target <= now_s) target += day_s;
  return std::chrono::seconds{target - now_s};
}

struct fetched {
  std::string body;
  std::string error;
};

fetched fetch_file(const reconciler_options& options, const std::string& date) {
  auto url = http::parse_base_url(options.psp_base_url);
  if (!url) return {{}, "psp.base_url is not an http(s)://host:port URL"};
  http::sync_client client{url->host, url->port, options.fetch_timeout_ms,
                           http::client_tls_for(*url, options.psp_ca_file)};
  auto got = client.get("/v1/settlement_files/" + date,
                        {{"Authorization", "Bearer " + options.psp_api_key}});
  if (!got.ok) return {{}, "settlement file download failed: " + got.error};
  if (got.res.result_int() != 200)
    return {{},
            "settlement file answered HTTP "
              + std::to_string(got.res.result_int())};
  return {std::move(got.res.body()), {}};
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

reconciliation_report run(reconciler_self self, const std::string& date,
                          const std::string& correlation_id) {
  auto& st = self->state;
  if (!domain::is_settlement_date(date))
    return failed(self, date, "not a date (YYYY-MM-DD): " + date,
                  correlation_id);
  run_timings_ms timings;
  const auto started = clock_type::now();
  auto file_text = fetch_file(st.options, date);
  timings.fetch = ms_since(started);
  if (!file_text.error.empty())
    return failed(self, date, file_text.error, correlation_id);

  auto step = clock_type::now();
  auto parsed = domain::parse_settlement_csv(file_text.body);
  timings.parse = ms_since(step);
  if (!parsed.error.empty())
    return failed(self, date,
                  "settlement file unreadable at line "
                    + std::to_string(parsed.error_line) + ": " + parsed.error,
                  correlation_id);
  auto& file = parsed.file;
  file.date = date;
  const auto sha = domain::sha256_hex(file_text.body);

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
      report = render_reconciliation_report(plan, applied, sha, timings);
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
  log::info(correlation_id,
            "reconciliation {} run {}: {} lines, {} matched, {} auto-corrected,"
            " {} queued, {} escalated, {} new exceptions, {} ms",
            date, applied.run_id, plan.counts.lines, plan.counts.matched,
            plan.counts.auto_corrected, plan.counts.queued,
            plan.counts.escalated, applied.new_exceptions, timings.total);
  return reconciliation_report{
    applied.run_id, date, "completed", std::move(report), {}};
}

template <class Result, class Read>
caf::result<Result> read(reconciler_self self, Read&& read_fn) {
  Result out;
  auto error = self->state.db->in_transaction(
    [&](pqxx::work& txn) { out = read_fn(txn); });
  if (!error.empty()) return caf::make_error(caf::sec::runtime_error, error);
  return out;
}

void schedule_daily(reconciler_self self) {
  if (auto minute = self->state.options.daily_minute_utc)
    self->delayed_send(self, until_next(*minute), reconcile_daily_atom::value);
}

reconciler_actor::behavior_type reconciler_behavior(
  reconciler_self self, reconciler_options options) {
  self->state.db = std::make_unique<persistence::db_session>(
    options.database_url);
  self->state.options = std::move(options);
  schedule_daily(self);
  return {
    [=](const run_reconciliation& cmd) -> caf::result<reconciliation_report> {
      return run(self, cmd.date, cmd.correlation_id);
    },
    [=](const list_reconciliation_runs& query)
      -> caf::result<reconciliation_runs> {
      return read<reconciliation_runs>(self, [&](pqxx::work& txn) {
        return persistence::list_runs(txn, query);
      });
    },
    [=](const list_reconciliation_exceptions& query)
      -> caf::result<reconciliation_exceptions> {
      return read<reconciliation_exceptions>(self, [&](pqxx::work& txn) {
        return persistence::list_exceptions(txn, query);
      });
    },
    [=](const resolve_reconciliation_exception& cmd)
      -> caf::result<resolve_reconciliation_reply> {
      return read<resolve_reconciliation_reply>(self, [&](pqxx::work& txn) {
        return persistence::resolve_exception(txn, cmd);
      });
    },
    [=](reconcile_daily_atom) {
      auto yesterday = utc_date(std::chrono::system_clock::now()
                                - std::chrono::hours{24});
      run(self, yesterday, "daily-" + yesterday);
      schedule_daily(self);
    },
  };
}

}  // namespace

reconciler_actor spawn_reconciler(caf::actor_system& sys,
                                  reconciler_options options) {
  return sys.spawn<caf::detached>(reconciler_behavior, std::move(options));
}

}  // namespace pay
