// paymentd: reads its settings, prepares the database, wires the actors and
// the HTTP gateway together, and runs until SIGINT/SIGTERM. Nothing else.

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <thread>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/dlq.hpp"
#include "actors/executor.hpp"
#include "actors/ledger.hpp"
#include "actors/payment_service.hpp"
#include "actors/psp_client.hpp"
#include "actors/store.hpp"
#include "actors/wallet.hpp"
#include "actors/watchdog.hpp"
#include "config/settings.hpp"
#include "gateway/gateway.hpp"
#include "persistence/migrations.hpp"

namespace {

std::string config_path(int argc, char** argv) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::string{argv[i]} == "--config")
      return argv[i + 1];
  return {};
}

// The database may still be starting when we do: retry briefly.
bool migrate(const std::string& url) {
  constexpr int attempts_max = 20;
  for (int attempt = 1; attempt <= attempts_max; ++attempt) {
    try {
      pqxx::connection conn{url};
      auto applied = pay::persistence::apply_migrations(conn);
      for (auto version : applied)
        spdlog::info("applied migration {}", version);
      return true;
    } catch (const std::exception& e) {
      spdlog::warn("database not ready (attempt {}/{}): {}", attempt,
                   attempts_max, e.what());
      std::this_thread::sleep_for(std::chrono::milliseconds{500});
    }
  }
  return false;
}

int wait_for_signal() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  int received = 0;
  sigwait(&signals, &received);
  return received;
}

}  // namespace

int main(int argc, char** argv) {
  // Block the stop signals in every thread; main waits for them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto loaded = pay::load_settings(config_path(argc, argv), std::getenv);
  if (!loaded.error.empty()) {
    std::cerr << "paymentd: configuration error: " << loaded.error << "\n";
    return 2;
  }
  const auto& cfg = loaded.value;
  spdlog::set_level(spdlog::level::from_str(cfg.log_level));
  if (!migrate(cfg.database_url)) {
    std::cerr << "paymentd: cannot reach the database to apply migrations\n";
    return 3;
  }

  caf::actor_system_config caf_cfg;
  if (cfg.actor_threads > 0)
    caf_cfg.set("scheduler.max-threads", static_cast<size_t>(cfg.actor_threads));
  caf::actor_system sys{caf_cfg};

  auto stores = pay::spawn_store_pool(
    sys, pay::store_options{cfg.database_url, cfg.store_batch_size_max},
    cfg.database_connections);
  std::string error;
  pay::http::client_pool_limits psp_limits;
  psp_limits.connections_max = cfg.psp_connections_max;
  psp_limits.connect_timeout_ms = cfg.psp_connect_timeout_ms;
  psp_limits.request_timeout_ms = cfg.psp_request_timeout_ms;
  auto psp = pay::spawn_psp_client(
    sys, pay::psp_client_options{cfg.psp_base_url, cfg.psp_api_key, psp_limits},
    error);
  if (!psp) {
    std::cerr << "paymentd: " << error << "\n";
    return 2;
  }
  auto executor_timeout_ms = cfg.psp_connect_timeout_ms
                             + cfg.psp_request_timeout_ms + 2'000;
  auto executor = pay::spawn_executor(
    sys, psp, pay::executor_options{executor_timeout_ms});
  pay::collaborators deps;
  deps.stores = stores;
  deps.executor = executor;
  deps.wallet = pay::spawn_wallet(sys, stores);
  deps.ledger = pay::spawn_ledger(sys, stores);
  deps.dlq = pay::spawn_dlq(sys, stores);
  deps.retry = cfg.psp_retry;
  deps.retry_deadline = std::chrono::milliseconds{cfg.psp_retry_deadline_ms};
  deps.order_restarts_max = cfg.order_restarts_max;
  deps.store_timeout = std::chrono::milliseconds{cfg.store_request_timeout_ms};
  deps.executor_timeout = std::chrono::milliseconds{executor_timeout_ms + 1'000};
  deps.processing_poll = std::chrono::milliseconds{cfg.processing_poll_ms};
  auto service = pay::spawn_payment_service(
    sys, deps, pay::payment_service_options{cfg.recovery_batch_max});
  caf::anon_send(service, pay::recover_atom::value);
  pay::watchdog_options wd;
  wd.interval = std::chrono::milliseconds{cfg.watchdog_interval_ms};
  wd.stuck_after_ms = cfg.watchdog_stuck_after_ms;
  wd.request_timeout = deps.store_timeout;
  auto watchdog = pay::spawn_watchdog(sys, stores, service, deps.dlq, wd);

  pay::gateway::gateway_options gw;
  gw.orders_per_checkout_max = cfg.orders_per_checkout_max;
  gw.wait_s_max = cfg.wait_s_max;
  gw.admin_token = cfg.admin_token;
  gw.request_timeout = deps.store_timeout + std::chrono::milliseconds{5'000};
  pay::http::server_limits limits;
  limits.body_bytes_max = cfg.http_body_bytes_max;
  limits.read_timeout_ms = cfg.http_read_timeout_ms;
  limits.threads = cfg.http_threads;
  pay::http::server server{cfg.http_address, cfg.http_port,
                           pay::gateway::make_gateway(sys, service, gw), limits};
  if (auto err = server.start(); !err.empty()) {
    std::cerr << "paymentd: " << err << "\n";
    return 2;
  }
  std::cout << "paymentd listening on http://" << cfg.http_address << ":"
            << server.port() << std::endl;

  auto sig = wait_for_signal();
  spdlog::info("signal {} received, stopping", sig);
  server.stop();
  caf::anon_send_exit(watchdog, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(service, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(deps.dlq, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(deps.wallet, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(deps.ledger, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(executor, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(psp, caf::exit_reason::user_shutdown);
  for (const auto& store : stores.shards)
    caf::anon_send_exit(store, caf::exit_reason::user_shutdown);
  return 0;
}
