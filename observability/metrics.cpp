#include "observability/metrics.hpp"

#include <sstream>

#include <prometheus/text_serializer.h>

namespace pay::obs {

namespace {

using prometheus::BuildCounter;
using prometheus::BuildGauge;
using prometheus::BuildHistogram;
using prometheus::Histogram;

// Seconds: from sub-millisecond (a cached read) to a PSP call timing out.
const Histogram::BucketBoundaries latency_buckets{0.0005, 0.001, 0.0025, 0.005,
                                                  0.01,   0.025, 0.05,   0.1,
                                                  0.25,   0.5,   1,      2.5,
                                                  5,      10};

const Histogram::BucketBoundaries batch_buckets{1,  2,  4,   8,   16,
                                                32, 64, 128, 256, 512};

std::string label(domain::order_status s) {
  return std::string{domain::to_string(s)};
}

}  // namespace

std::string_view to_string(actor_kind kind) {
  switch (kind) {
    case actor_kind::checkout:
      return "checkout";
    case actor_kind::payment_order:
      return "payment_order";
  }
  return "unknown";
}

std::string_view to_string(shared_actor actor) {
  switch (actor) {
    case shared_actor::store:
      return "store";
    case shared_actor::psp_client:
      return "psp_client";
    case shared_actor::executor:
      return "executor";
    case shared_actor::wallet:
      return "wallet";
    case shared_actor::ledger:
      return "ledger";
  }
  return "unknown";
}

metrics& metrics::get() {
  static metrics instance;
  return instance;
}

metrics::metrics() : registry_(std::make_shared<prometheus::Registry>()) {
  auto& reg = *registry_;
  http_requests_ = &BuildCounter()
                      .Name("paymentd_http_requests_total")
                      .Help(
                        "HTTP requests answered, by route, method and status.")
                      .Register(reg);
  http_duration_ = &BuildHistogram()
                      .Name("paymentd_http_request_duration_seconds")
                      .Help(
                        "Time from request parsed to response handed to "
                        "the connection, by route.")
                      .Register(reg);

  auto& transitions = BuildCounter()
                        .Name("paymentd_order_transitions_total")
                        .Help("Payment order transitions durably applied.")
                        .Register(reg);
  auto& live_orders = BuildGauge()
                        .Name("paymentd_orders_live")
                        .Help("Payment order actors in memory, by status.")
                        .Register(reg);
  for (auto from : domain::all_order_statuses) {
    auto f = static_cast<std::size_t>(from);
    orders_live_[f] = &live_orders.Add({{"status", label(from)}});
    for (auto to : domain::all_order_statuses) {
      // Only pairs the state machine allows get a series.
      bool legal = false;
      for (auto event : domain::all_order_events)
        legal = legal || domain::next_status(from, event) == to;
      if (legal)
        transitions_[f][static_cast<std::size_t>(to)] = &transitions.Add(
          {{"from", label(from)}, {"to", label(to)}});
    }
  }

  auto& live = BuildGauge()
                 .Name("paymentd_live_actors")
                 .Help("Per-entity actors in memory, by kind.")
                 .Register(reg);
  for (std::size_t k = 0; k < actor_kinds; ++k)
    live_actors_[k] = &live.Add(
      {{"kind", std::string{to_string(static_cast<actor_kind>(k))}}});

  auto& backlog = BuildGauge()
                    .Name("paymentd_actor_backlog")
                    .Help(
                      "Work waiting at a shared actor: commands not yet "
                      "committed (store, all instances), PSP calls in "
                      "flight (psp_client), mailbox length when it last "
                      "looked (executor, wallet, ledger).")
                    .Register(reg);
  for (std::size_t a = 0; a < shared_actors; ++a)
    backlog_[a] = &backlog.Add(
      {{"actor", std::string{to_string(static_cast<shared_actor>(a))}}});

  psp_requests_ = &BuildCounter()
                     .Name("paymentd_psp_requests_total")
                     .Help(
                       "Calls to the PSP, by operation and classified "
                       "outcome.")
                     .Register(reg);
  psp_duration_ = &BuildHistogram()
                     .Name("paymentd_psp_request_duration_seconds")
                     .Help("PSP call latency, by operation.")
                     .Register(reg);
  retries_ = &BuildCounter()
                .Name("paymentd_order_retries_total")
                .Help("Order steps scheduled again after backoff, by reason.")
                .Register(reg);
  dlq_escalations_ = &BuildCounter()
                        .Name("paymentd_dlq_escalations_total")
                        .Help(
                          "Orders handed to the dead-letter queue, by "
                          "reason.")
                        .Register(reg);
  dlq_open_ = &BuildGauge()
                 .Name("paymentd_dlq_open")
                 .Help("Open dead-letter entries (refreshed by the watchdog).")
                 .Register(reg)
                 .Add({});
  store_batch_size_ = &BuildHistogram()
                         .Name("paymentd_store_batch_commands")
                         .Help(
                           "Commands committed per store transaction "
                           "(group commit).")
                         .Register(reg)
                         .Add({}, batch_buckets);
  store_commit_seconds_ = &BuildHistogram()
                             .Name("paymentd_store_commit_duration_seconds")
                             .Help("Time to run and commit one store batch.")
                             .Register(reg)
                             .Add({}, latency_buckets);
  webhooks_rejected_ = &BuildCounter()
                          .Name("paymentd_webhook_verification_failures_total")
                          .Help(
                            "PSP webhooks refused (bad or stale "
                            "signature, unreadable event), by reason.")
                          .Register(reg);
  webhooks_received_ = &BuildCounter()
                          .Name("paymentd_webhooks_total")
                          .Help(
                            "Verified PSP webhooks, by outcome (applied, "
                            "duplicate, ignored).")
                          .Register(reg);
  reconciliation_runs_ = &BuildCounter()
                            .Name("paymentd_reconciliation_runs_total")
                            .Help(
                              "Reconciliation runs, by status (completed, "
                              "failed).")
                            .Register(reg);
  reconciliation_lines_ = &BuildCounter()
                             .Name("paymentd_reconciliation_lines_total")
                             .Help("Settlement file lines reconciled.")
                             .Register(reg);
  reconciliation_exceptions_ =
    &BuildCounter()
       .Name("paymentd_reconciliation_exceptions_total")
       .Help(
         "New reconciliation discrepancies, by kind and route "
         "(auto_corrected, queued, escalated).")
       .Register(reg);
  money_movements_ = &BuildCounter()
                        .Name("paymentd_money_movements_total")
                        .Help(
                          "Refunds and pay-outs, by kind and event: the "
                          "final status reached (SUCCEEDED, FAILED, PAID), "
                          "or dead_lettered when its retry budget was "
                          "spent and it waits for an operator.")
                        .Register(reg);
  actor_crashes_ = &BuildCounter()
                      .Name("paymentd_actor_crashes_total")
                      .Help(
                        "Crashes of supervised per-entity actors, by kind and "
                        "verdict: restarted from the row, or escalated once "
                        "the restart budget was spent.")
                      .Register(reg);
  store_commits_ = &BuildCounter()
                      .Name("paymentd_store_batches_total")
                      .Help("Store batches, by result (ok, failed).")
                      .Register(reg);
  edge_refused_ = &BuildCounter()
                     .Name("paymentd_http_refused_total")
                     .Help(
                       "Requests refused at the edge before any route "
                       "ran, by reason (a missing, invalid or revoked "
                       "API key, a role not allowed, too many "
                       "connections).")
                     .Register(reg);
  rate_limited_ = &BuildCounter()
                     .Name("paymentd_rate_limited_total")
                     .Help(
                       "Requests answered 429 rate_limited, by route "
                       "class (read, write, admin, open, auth_failures).")
                     .Register(reg);
  http_connections_ = &BuildGauge()
                         .Name("paymentd_http_connections")
                         .Help("Client connections open now.")
                         .Register(reg)
                         .Add({});
  // Gauges mirroring the server's own totals (they only grow): connections
  // refused past http.connections_max, headers cut by the slowloris timeout,
  // failed TLS handshakes.
  http_edge_events_ = &BuildGauge()
                         .Name("paymentd_http_edge_events")
                         .Help(
                           "HTTP edge events since start, by kind "
                           "(connections_refused, header_timeouts, "
                           "tls_handshake_failures).")
                         .Register(reg);
  checkouts_open_limited_ =
    &BuildCounter()
       .Name("paymentd_checkouts_open_limited_total")
       .Help(
         "New checkouts refused with 429 open_checkouts_limit because "
         "their account held api.open_checkouts_per_account_max "
         "unfinished checkouts.")
       .Register(reg)
       .Add({});
  checkouts_shed_ = &BuildCounter()
                       .Name("paymentd_checkouts_shed_total")
                       .Help(
                         "New checkouts refused with 503 overloaded "
                         "because the execution backlog was past "
                         "admission.backlog_max.")
                       .Register(reg)
                       .Add({});
  orders_passivated_ = &BuildCounter()
                          .Name("paymentd_orders_passivated_total")
                          .Help(
                            "PENDING orders that left memory to wait for "
                            "a distant PSP poll in the database.")
                          .Register(reg)
                          .Add({});
  orders_woken_ = &BuildCounter()
                     .Name("paymentd_orders_woken_total")
                     .Help(
                       "Passivated orders whose poll came due and whose "
                       "checkout was resumed.")
                     .Register(reg)
                     .Add({});
  takeovers_ = &BuildCounter()
                  .Name("paymentd_cluster_takeovers_total")
                  .Help(
                    "Unfinished work this node took over from dead "
                    "incarnations, by kind (checkout, refund, payout).")
                  .Register(reg);
  fenced_writes_ = &BuildCounter()
                      .Name("paymentd_cluster_fenced_writes_refused_total")
                      .Help(
                        "Writes the database refused because this node's "
                        "lease had run out (it then rejoins).")
                      .Register(reg)
                      .Add({});
  lease_renew_seconds_ = &BuildHistogram()
                            .Name("paymentd_cluster_lease_renew_seconds")
                            .Help("Time one lease renewal took.")
                            .Register(reg)
                            .Add({}, latency_buckets);
  lease_renewals_ = &BuildCounter()
                       .Name("paymentd_cluster_lease_renewals_total")
                       .Help(
                         "Lease renewals, by outcome (renewed, lost, "
                         "error).")
                       .Register(reg);
}

void metrics::taken_over(std::string_view kind, std::size_t n) {
  if (n == 0) return;
  takeovers_->Add({{"kind", std::string{kind}}})
    .Increment(static_cast<double>(n));
}

void metrics::lease_renewal(std::string_view outcome, double seconds) {
  lease_renew_seconds_->Observe(seconds);
  lease_renewals_->Add({{"outcome", std::string{outcome}}}).Increment();
}

void metrics::read_http_edge_with(std::function<http_edge_figures()> reader) {
  std::lock_guard lock(read_http_edge_mutex_);
  read_http_edge_ = std::move(reader);
}

std::string metrics::render() const {
  {
    std::lock_guard lock(read_http_edge_mutex_);
    if (read_http_edge_) {
      auto f = read_http_edge_();
      http_connections_->Set(static_cast<double>(f.connections_open));
      auto set = [&](const char* kind, std::uint64_t v) {
        http_edge_events_->Add({{"kind", kind}}).Set(static_cast<double>(v));
      };
      set("connections_refused", f.connections_refused_total);
      set("header_timeouts", f.header_timeouts_total);
      set("tls_handshake_failures", f.tls_handshake_failures_total);
    }
  }
  std::ostringstream out;
  prometheus::TextSerializer{}.Serialize(out, registry_->Collect());
  return out.str();
}

void metrics::http_request(std::string_view route, std::string_view method,
                           unsigned status, double seconds) {
  http_requests_
    ->Add({{"route", std::string{route}},
           {"method", std::string{method}},
           {"status", std::to_string(status)}})
    .Increment();
  http_duration_->Add({{"route", std::string{route}}}, latency_buckets)
    .Observe(seconds);
}

void metrics::order_transition(domain::order_status from,
                               domain::order_status to) {
  auto* counter =
    transitions_[static_cast<std::size_t>(from)][static_cast<std::size_t>(to)];
  if (counter) counter->Increment();
}

void metrics::psp_call(std::string_view operation, std::string_view outcome,
                       double seconds) {
  psp_requests_
    ->Add({{"operation", std::string{operation}},
           {"outcome", std::string{outcome}}})
    .Increment();
  psp_duration_->Add({{"operation", std::string{operation}}}, latency_buckets)
    .Observe(seconds);
}

void metrics::order_retry(std::string_view reason) {
  retries_->Add({{"reason", std::string{reason}}}).Increment();
}

void metrics::dlq_escalation(std::string_view reason) {
  dlq_escalations_->Add({{"reason", std::string{reason}}}).Increment();
}

void metrics::store_batch(std::size_t commands, double commit_seconds,
                          bool ok) {
  store_batch_size_->Observe(static_cast<double>(commands));
  store_commit_seconds_->Observe(commit_seconds);
  store_commits_->Add({{"result", ok ? "ok" : "failed"}}).Increment();
}

void metrics::edge_refused(std::string_view reason) {
  edge_refused_->Add({{"reason", std::string{reason}}}).Increment();
}

void metrics::rate_limited(std::string_view route_class) {
  rate_limited_->Add({{"class", std::string{route_class}}}).Increment();
}

void metrics::webhook_rejected(std::string_view reason) {
  webhooks_rejected_->Add({{"reason", std::string{reason}}}).Increment();
}

void metrics::webhook_received(std::string_view outcome) {
  webhooks_received_->Add({{"outcome", std::string{outcome}}}).Increment();
}

void metrics::reconciliation_run(std::string_view status, std::size_t lines) {
  reconciliation_runs_->Add({{"status", std::string{status}}}).Increment();
  reconciliation_lines_->Add({}).Increment(static_cast<double>(lines));
}

void metrics::reconciliation_exception(std::string_view kind,
                                       std::string_view route) {
  reconciliation_exceptions_
    ->Add({{"kind", std::string{kind}}, {"route", std::string{route}}})
    .Increment();
}

void metrics::money_movement(std::string_view kind, std::string_view status) {
  money_movements_
    ->Add({{"kind", std::string{kind}}, {"status", std::string{status}}})
    .Increment();
}

void metrics::actor_crash(std::string_view kind, std::string_view verdict) {
  actor_crashes_
    ->Add({{"kind", std::string{kind}}, {"verdict", std::string{verdict}}})
    .Increment();
}

live_actor_count::live_actor_count(actor_kind kind) : kind_(kind) {
  metrics::get().live_actors(kind_).Increment();
}

live_actor_count::~live_actor_count() {
  metrics::get().live_actors(kind_).Decrement();
}

live_order_status::~live_order_status() {
  if (status_) metrics::get().orders_live(*status_).Decrement();
}

void live_order_status::set(domain::order_status status) {
  if (status_ == status) return;
  auto& m = metrics::get();
  if (status_) m.orders_live(*status_).Decrement();
  m.orders_live(status).Increment();
  status_ = status;
}

}  // namespace pay::obs
