#include "app/engine.hpp"

#include "actors/cluster/lease_keeper.hpp"
#include "actors/cluster/takeover.hpp"
#include "actors/common/psp_client.hpp"
#include "actors/ledger/ledger.hpp"
#include "actors/ledger/wallet.hpp"
#include "actors/ops/dlq.hpp"
#include "actors/ops/watchdog.hpp"
#include "actors/payin/executor.hpp"
#include "actors/payin/payment_service.hpp"
#include "actors/payin/poll_waker.hpp"
#include "actors/payin/store.hpp"
#include "actors/risk/risk.hpp"
#include "app/cluster_wiring.hpp"
#include "app/payout_wiring.hpp"
#include "app/reconciler_wiring.hpp"
#include "app/refund_wiring.hpp"

namespace pay {

namespace {

using std::chrono::milliseconds;

// Refunds and pay-outs ask the psp_client with a timeout: it must outwait
// the HTTP call the client makes.
std::uint32_t psp_timeout_ms(const settings& cfg) {
  return cfg.psp_connect_timeout_ms + cfg.psp_request_timeout_ms + 2'000;
}

}  // namespace

engine_result start_engine(caf::actor_system& sys, const settings& cfg,
                           const domain::node_identity& me) {
  engine_result out;
  auto& e = out.value;
  store_options store_opts{cfg.database_url, cfg.store_batch_size_max};
  auto stores = spawn_store_pool(sys, store_opts, cfg.database_connections);
  auto admission = spawn_store_pool(sys, store_opts, cfg.admission_connections);
  http::client_pool_limits psp_limits;
  psp_limits.connections_max = cfg.psp_connections_max;
  psp_limits.connect_timeout_ms = cfg.psp_connect_timeout_ms;
  psp_limits.request_timeout_ms = cfg.psp_request_timeout_ms;
  e.psp = spawn_psp_client(sys,
                           psp_client_options{cfg.psp_base_url, cfg.psp_api_key,
                                              cfg.psp_stripe_version,
                                              psp_limits, cfg.psp_ca_file},
                           out.error);
  if (!e.psp) {
    // Nothing may be left running, or the actor system never shuts down.
    for (const auto* pool : {&stores, &admission})
      for (const auto& store : pool->shards)
        caf::anon_send_exit(store, caf::exit_reason::user_shutdown);
    return out;
  }
  e.deps.stores = stores;
  e.deps.admission = admission;
  e.deps.executor = spawn_executor(
    sys, e.psp, executor_options{cfg.psp_idempotency_key_trust_s});
  e.deps.wallet = spawn_wallet(sys, stores);
  e.deps.ledger = spawn_ledger(sys, stores);
  e.deps.dlq = spawn_dlq(sys, stores);
  e.deps.risk = spawn_risk(
    sys, stores,
    risk_options{cfg.risk, milliseconds{cfg.store_request_timeout_ms}});
  e.deps.retry = cfg.psp_retry;
  e.deps.retry_deadline = milliseconds{cfg.psp_retry_deadline_ms};
  e.deps.restarts_max = cfg.restarts_max;
  e.deps.store_timeout = milliseconds{cfg.store_request_timeout_ms};
  e.deps.psp_timeout = milliseconds{psp_timeout_ms(cfg)};
  e.deps.processing_poll = milliseconds{cfg.processing_poll_ms};
  e.deps.pending_poll_max = milliseconds{cfg.pending_poll_max_ms};
  e.deps.passivate_after = milliseconds{cfg.passivate_after_ms};
  e.deps.authorization_hold = milliseconds{cfg.authorization_hold_ms};
  e.deps.card_rules = cfg.card_rules;
  // A first request may wait up to wait_s_max for its outcome, then store.
  auto key_timeout = milliseconds{cfg.wait_s_max * 1000ull}
                     + 3 * e.deps.store_timeout;
  payment_service_options service_options;
  service_options.recovery_batch_max = cfg.recovery_batch_max;
  service_options.key_completion_timeout = key_timeout;
  service_options.backlog_max = cfg.admission_backlog_max;
  service_options.retry_after_s = cfg.admission_retry_after_s;
  service_options.allow_without_risk_check = !domain::has_any_rule(cfg.risk);
  service_options.idempotency_ttl_s = cfg.idempotency_ttl_s;
  service_options.open_checkouts_per_account_max =
    cfg.open_checkouts_per_account_max;
  service_options.open_checkouts_refresh = milliseconds{
    cfg.open_checkouts_refresh_ms};
  service_options.me = me;
  e.service = spawn_payment_service(sys, e.deps, service_options);
  caf::anon_send(e.service, recover_atom::value);
  watchdog_options wd;
  wd.interval = milliseconds{cfg.watchdog_interval_ms};
  wd.stuck_after_ms = cfg.watchdog_stuck_after_ms;
  wd.request_timeout = e.deps.store_timeout;
  e.watchdog = spawn_watchdog(sys, stores, e.service, e.deps.dlq, wd);
  e.waker = spawn_poll_waker(
    sys, stores, e.service,
    poll_waker_options{milliseconds{cfg.wake_interval_ms}, cfg.wake_batch_max,
                       e.deps.store_timeout});
  e.refunds = start_refunds(sys, cfg, e);
  e.payouts = start_payouts(sys, cfg, e);
  e.reconciler = start_reconciler(sys, cfg, e);
  if (me.clustered()) {
    e.lease = spawn_lease_keeper(
      sys, lease_keeper_options{cfg.database_url, me, cfg.cluster_lease_ms,
                                milliseconds{cfg.cluster_renew_ms},
                                [](const std::string& why) { rejoin(why); }});
    e.takeover = spawn_takeover(
      sys,
      takeover_options{cfg.database_url, me,
                       milliseconds{cfg.cluster_takeover_interval_ms},
                       cfg.cluster_takeover_batch_max},
      takeover_targets{e.service, e.refunds, e.payouts});
  }
  return out;
}

void stop_engine(const engine& e) {
  auto stop = [](const auto& actor) {
    caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
  };
  auto stop_if_running = [&](const auto& actor) {
    if (actor) stop(actor);
  };
  stop_if_running(e.takeover);
  stop_if_running(e.lease);
  stop_if_running(e.reconciler);
  stop_if_running(e.payouts);
  stop_if_running(e.refunds);
  stop(e.watchdog);
  stop(e.waker);
  stop(e.service);
  stop(e.deps.dlq);
  stop(e.deps.risk);
  stop(e.deps.wallet);
  stop(e.deps.ledger);
  stop(e.deps.executor);
  stop(e.psp);
  for (const auto* pool : {&e.deps.stores, &e.deps.admission})
    for (const auto& store : pool->shards) stop(store);
}

}  // namespace pay
