// pspsim: a PSP simulator speaking a subset of Stripe's wire format. main
// only wires the parts together; see docs/pspsim.md.
#include <csignal>
#include <cstdlib>
#include <iostream>

#include <pthread.h>

#include <optional>

#include "http/server.hpp"
#include "http/tls_options.hpp"

#include "pspsim/checkout_session_store.hpp"
#include "pspsim/connect_store.hpp"
#include "pspsim/delay_queue.hpp"
#include "pspsim/fault_injector.hpp"
#include "pspsim/intent_store.hpp"
#include "pspsim/options.hpp"
#include "pspsim/payout_store.hpp"
#include "pspsim/periodic_sweep.hpp"
#include "pspsim/refund_store.hpp"
#include "pspsim/router.hpp"
#include "pspsim/settlement_store.hpp"
#include "pspsim/webhook_dispatcher.hpp"
#include "pspsim/webhook_endpoint.hpp"

namespace {

constexpr int exit_usage_or_listen_failure = 2;
constexpr std::chrono::milliseconds expiry_sweep_period{1000};

}  // namespace

int main(int argc, char** argv) {
  using namespace pay;
  const auto parsed = pspsim::parse_options(argc, argv, [](const char* name) {
    return std::getenv(name);
  });
  if (parsed.help) {
    std::cout << pspsim::usage();
    return 0;
  }
  if (!parsed.error.empty()) {
    std::cerr << "pspsim: " << parsed.error << "\n" << pspsim::usage();
    return exit_usage_or_listen_failure;
  }
  const pspsim::options& opts = parsed.opts;

  // Blocked before any thread starts, so every thread inherits the mask and
  // only the sigwait below ever sees these signals.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  pspsim::fault_injector faults{opts.faults};
  std::optional<pspsim::webhook_dispatcher> webhooks;
  if (!opts.webhook_url.empty()) {
    pspsim::webhook_dispatcher_options w;
    // Checked by options.
    const auto endpoint = *pspsim::parse_webhook_endpoint(opts.webhook_url);
    w.url = endpoint.url;
    w.tls = endpoint.tls;
    w.ca_file = opts.webhook_ca_file;
    if (const std::string error = http::check_client_tls(
          http::client_tls{w.tls, w.ca_file});
        !error.empty()) {
      std::cerr << "pspsim: webhook TLS: " << error << std::endl;
      return exit_usage_or_listen_failure;
    }
    w.secret = opts.webhook_secret;
    w.backoff_base_ms = opts.webhook_backoff_base_ms;
    w.backoff_max_ms = opts.webhook_backoff_max_ms;
    w.concurrency = opts.webhook_concurrency;
    webhooks.emplace(std::move(w), faults);
  }
  pspsim::webhook_dispatcher* const webhooks_or_null = webhooks ? &*webhooks
                                                                : nullptr;
  const auto publish =
    [webhooks_or_null](std::string_view type, std::string_view id,
                       std::string_view json, std::int64_t unix_s) {
      if (webhooks_or_null) webhooks_or_null->publish(type, id, json, unix_s);
    };
  pspsim::session_store_config session_config;
  session_config.expiry_s = opts.session_expiry_s;
  session_config.key_ttl_s = opts.idempotency_key_ttl_s;
  pspsim::checkout_session_store sessions{session_config, publish};
  // Wakes the store when a pending intent is due, so it resolves (and its
  // webhook goes out) even if nobody asks. Stopped before the store goes.
  std::optional<pspsim::delay_queue> wakeups{std::in_place};
  pspsim::intent_store* store_for_wakeups = nullptr;
  pspsim::intent_store_hooks hooks;
  hooks.on_event = [webhooks_or_null,
                    &sessions](const pspsim::intent_event& e) {
    const auto now = pspsim::sim_time::now();
    // The intent's event before the session's completion it causes.
    if (webhooks_or_null) {
      webhooks_or_null->publish(e.type, e.intent_id, e.intent_json, now.unix_s);
    }
    sessions.on_intent_event(e, now.unix_s);
  };
  hooks.events_carry_json = webhooks_or_null != nullptr;
  hooks.wake_after = [&wakeups,
                      &store_for_wakeups](std::chrono::milliseconds d) {
    wakeups->after(d, [&store_for_wakeups] {
      store_for_wakeups->settle(pspsim::sim_time::now());
    });
  };
  pspsim::pending_config pending;
  pending.three_ds_delay = std::chrono::milliseconds(opts.three_ds_ms);
  pending.three_ds_succeeds = opts.three_ds_succeeds;
  pending.review_delay = std::chrono::milliseconds(opts.review_ms);
  pending.capture_window_s = opts.capture_window_s;
  pending.action_expiry_s = opts.action_expiry_s;
  pspsim::intent_store store{opts.intents_max,
                             std::chrono::milliseconds(opts.processing_ms),
                             pending, std::move(hooks),
                             opts.idempotency_key_ttl_s};
  store_for_wakeups = &store;
  pspsim::refund_store_config refund_config;
  refund_config.pending_delay = std::chrono::milliseconds(
    opts.refund_pending_ms);
  if (opts.refund_pending_ms > 0) {
    refund_config.test_card_delay = refund_config.pending_delay;
  }
  refund_config.key_ttl_s = opts.idempotency_key_ttl_s;
  pspsim::refund_store* refunds_for_wakeups = nullptr;
  pspsim::refund_store_hooks refund_hooks;
  refund_hooks.on_event = publish;
  refund_hooks.wake_after =
    [&wakeups, &refunds_for_wakeups](std::chrono::milliseconds d) {
      wakeups->after(d, [&refunds_for_wakeups] {
        refunds_for_wakeups->settle(pspsim::sim_time::now());
      });
    };
  pspsim::refund_store refunds{store, refund_config, std::move(refund_hooks)};
  refunds_for_wakeups = &refunds;
  pspsim::connect_store connect{opts.idempotency_key_ttl_s};
  pspsim::payout_store* payouts_for_wakeups = nullptr;
  pspsim::payout_store_hooks payout_hooks;
  payout_hooks.on_event =
    [webhooks_or_null](std::string_view type, std::string_view id,
                       std::string_view json, std::int64_t unix_s,
                       std::string_view account) {
      if (webhooks_or_null)
        webhooks_or_null->publish(type, id, json, unix_s, account);
    };
  payout_hooks.reserve = [&connect](const pspsim::payout_record& p) {
    return connect.reserve(p.account, p.currency, p.amount_minor);
  };
  payout_hooks.release = [&connect](const pspsim::payout_record& p) {
    connect.release(p.account, p.currency, p.amount_minor);
  };
  payout_hooks.wake_after =
    [&wakeups, &payouts_for_wakeups](std::chrono::milliseconds d) {
      wakeups->after(d, [&payouts_for_wakeups] {
        payouts_for_wakeups->settle(pspsim::sim_time::now());
      });
    };
  pspsim::payout_store payouts{std::chrono::milliseconds(opts.payout_ms),
                               std::move(payout_hooks),
                               opts.idempotency_key_ttl_s};
  payouts_for_wakeups = &payouts;
  // Sessions, uncaptured authorizations and unanswered challenges expire
  // on the simulated clock, a day or a week ahead: one sweep a second
  // instead of a timer each. Intents first: an abandoned challenge frees
  // its session to expire in the same sweep.
  pspsim::periodic_sweep expiry_sweep{
    *wakeups, expiry_sweep_period, [&sessions, &store] {
      const auto now = pspsim::sim_time::now();
      store.settle(now);
      sessions.expire_due(now.unix_s);
    }};
  pspsim::settlement_store settlement;
  pspsim::delay_queue delays;
  const pspsim::router routes{
    pspsim::sim_parts{store, faults, delays, sessions, webhooks_or_null,
                      refunds, payouts, settlement, opts.settlement, connect,
                      opts.merchant_name},
    opts.api_key, std::chrono::milliseconds(opts.latency_ms)};
  http::server_limits limits;
  limits.threads = opts.threads;
  limits.body_bytes_max = pspsim::server_body_bytes_max;
  http::server server{opts.address, opts.port, routes, limits,
                      http::server_tls{opts.tls_cert, opts.tls_key}};
  if (const std::string error = server.start(); !error.empty()) {
    std::cerr << "pspsim: " << error << std::endl;
    return exit_usage_or_listen_failure;
  }
  const bool ipv6 = opts.address.find(':') != std::string::npos;
  std::cout << "pspsim listening on " << (server.is_tls() ? "https" : "http")
            << "://" << (ipv6 ? "[" + opts.address + "]" : opts.address) << ":"
            << server.port() << std::endl;

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  server.stop();
  wakeups.reset();
  return 0;
}
