#pragma once
// Process-wide Prometheus metrics. Actors and the gateway update them from
// any thread (prometheus-cpp metrics are thread-safe); GET /metrics renders
// them and GET /admin/actors reads the live gauges.
//
// Hot-path series (per status, per transition, per actor kind) are created
// once up front, so updating one is an atomic add, never a label lookup.

#include <array>
#include <cstddef>
#include <functional>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "domain/payin/order_status.hpp"

namespace pay::obs {

// Kinds of per-entity actors counted in paymentd_live_actors.
enum class actor_kind : std::size_t { checkout = 0, payment_order = 1 };
inline constexpr std::size_t actor_kinds = 2;
std::string_view to_string(actor_kind kind);

// Shared actors whose backlog is published.
enum class shared_actor : std::size_t {
  store = 0,
  psp_client,
  executor,
  wallet,
  ledger,
};
inline constexpr std::size_t shared_actors = 5;
std::string_view to_string(shared_actor actor);

inline constexpr std::size_t order_statuses = std::size(
  domain::all_order_statuses);

class metrics {
 public:
  static metrics& get();

  std::string render() const;  // Prometheus text exposition format

  void http_request(std::string_view route, std::string_view method,
                    unsigned status, double seconds);

  void order_transition(domain::order_status from, domain::order_status to);
  prometheus::Gauge& orders_live(domain::order_status status) {
    return *orders_live_[static_cast<std::size_t>(status)];
  }
  prometheus::Gauge& live_actors(actor_kind kind) {
    return *live_actors_[static_cast<std::size_t>(kind)];
  }
  prometheus::Gauge& backlog(shared_actor actor) {
    return *backlog_[static_cast<std::size_t>(actor)];
  }

  void psp_call(std::string_view operation, std::string_view outcome,
                double seconds);
  void order_retry(std::string_view reason);
  void dlq_escalation(std::string_view reason);
  prometheus::Gauge& dlq_open() { return *dlq_open_; }

  void store_batch(std::size_t commands, double commit_seconds, bool ok);
  void checkout_shed() { checkouts_shed_->Increment(); }
  void checkout_open_limited() { checkouts_open_limited_->Increment(); }
  void order_passivated() { orders_passivated_->Increment(); }
  void orders_woken(std::size_t n) {
    orders_woken_->Increment(static_cast<double>(n));
  }

  // Cluster: work this node took over from dead incarnations, by kind
  // (checkout, refund, payout); writes the database refused because this
  // node's lease had gone; how long each lease renewal took.
  void taken_over(std::string_view kind, std::size_t n);
  void fenced_write_refused() { fenced_writes_->Increment(); }
  // outcome: renewed, lost (the lease had run out), error (no answer).
  void lease_renewal(std::string_view outcome, double seconds);

  // A request refused at the edge before any route ran, by reason
  // (api_key_missing, api_key_invalid, api_key_revoked, forbidden,
  // too_many_connections) — rate limits are counted by rate_limited.
  void edge_refused(std::string_view reason);
  // A request refused with 429, by route class (read, write, admin, open,
  // auth_failures).
  void rate_limited(std::string_view route_class);
  // The HTTP server's own figures, read at each scrape (the server counts
  // them; the gauges and counters here only mirror them).
  struct http_edge_figures {
    std::uint64_t connections_open = 0;
    std::uint64_t connections_refused_total = 0;
    std::uint64_t header_timeouts_total = 0;
    std::uint64_t tls_handshake_failures_total = 0;
  };
  void read_http_edge_with(std::function<http_edge_figures()> reader);

  void webhook_rejected(std::string_view reason);
  void webhook_received(std::string_view outcome);

  // One reconciliation run ended (completed or failed).
  void reconciliation_run(std::string_view status, std::size_t lines);
  // A discrepancy seen for the first time, by kind and route.
  void reconciliation_exception(std::string_view kind, std::string_view route);
  // Money movements after pay-in, by kind (refund, payout) and event (a
  // final status, or retry_budget_spent).
  void money_movement(std::string_view kind, std::string_view status);
  // A supervised per-entity actor crashed (kind: checkout, payment_order,
  // refund, payout), and what its service did: restarted or escalated.
  void actor_crash(std::string_view kind, std::string_view verdict);

 private:
  metrics();

  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>* http_requests_;
  prometheus::Family<prometheus::Histogram>* http_duration_;
  std::array<std::array<prometheus::Counter*, order_statuses>, order_statuses>
    transitions_{};
  std::array<prometheus::Gauge*, order_statuses> orders_live_{};
  std::array<prometheus::Gauge*, actor_kinds> live_actors_{};
  std::array<prometheus::Gauge*, shared_actors> backlog_{};
  prometheus::Family<prometheus::Counter>* psp_requests_;
  prometheus::Family<prometheus::Histogram>* psp_duration_;
  prometheus::Family<prometheus::Counter>* retries_;
  prometheus::Family<prometheus::Counter>* dlq_escalations_;
  prometheus::Gauge* dlq_open_;
  prometheus::Histogram* store_batch_size_;
  prometheus::Histogram* store_commit_seconds_;
  prometheus::Family<prometheus::Counter>* store_commits_;
  prometheus::Counter* checkouts_shed_;
  prometheus::Counter* checkouts_open_limited_;
  prometheus::Counter* orders_passivated_;
  prometheus::Counter* orders_woken_;
  prometheus::Family<prometheus::Counter>* takeovers_;
  prometheus::Counter* fenced_writes_;
  prometheus::Histogram* lease_renew_seconds_;
  prometheus::Family<prometheus::Counter>* lease_renewals_;
  prometheus::Family<prometheus::Counter>* edge_refused_;
  prometheus::Family<prometheus::Counter>* rate_limited_;
  prometheus::Gauge* http_connections_;
  prometheus::Family<prometheus::Gauge>* http_edge_events_;
  std::function<http_edge_figures()> read_http_edge_;
  mutable std::mutex read_http_edge_mutex_;
  prometheus::Family<prometheus::Counter>* webhooks_rejected_;
  prometheus::Family<prometheus::Counter>* webhooks_received_;
  prometheus::Family<prometheus::Counter>* reconciliation_runs_;
  prometheus::Family<prometheus::Counter>* reconciliation_lines_;
  prometheus::Family<prometheus::Counter>* reconciliation_exceptions_;
  prometheus::Family<prometheus::Counter>* money_movements_;
  prometheus::Family<prometheus::Counter>* actor_crashes_;
};

// Counts one live actor of `kind` for as long as it exists: a member of the
// actor's state, so it is counted from spawn to termination.
class live_actor_count {
 public:
  explicit live_actor_count(actor_kind kind);
  ~live_actor_count();
  live_actor_count(const live_actor_count&) = delete;
  live_actor_count& operator=(const live_actor_count&) = delete;

 private:
  actor_kind kind_;
};

// Keeps paymentd_orders_live{status} in step with one live order actor's
// current status.
class live_order_status {
 public:
  live_order_status() = default;
  ~live_order_status();
  live_order_status(const live_order_status&) = delete;
  live_order_status& operator=(const live_order_status&) = delete;
  void set(domain::order_status status);

 private:
  std::optional<domain::order_status> status_;
};

}  // namespace pay::obs
