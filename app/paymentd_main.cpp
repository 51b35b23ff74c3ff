// paymentd: reads its settings, prepares the database, wires the actors and
// the HTTP gateway together, and runs until SIGINT/SIGTERM. Nothing else.

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <thread>

#include <spdlog/spdlog.h>
#include <caf/all.hpp>

#include "app/cluster_wiring.hpp"
#include "app/engine.hpp"
#include "app/gateway_wiring.hpp"
#include "app/keys_command.hpp"
#include "app/server_wiring.hpp"
#include "config/settings.hpp"
#include "gateway/common/gateway.hpp"
#include "observability/log.hpp"
#include "observability/metrics.hpp"
#include "persistence/common/migrations.hpp"

namespace {

std::string config_path(int argc, char** argv) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::string{argv[i]} == "--config") return argv[i + 1];
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

  // `paymentd keys ...` manages API keys in the database and exits.
  if (argc >= 2 && std::string{argv[1]} == "keys")
    return pay::run_keys_command(argc - 1, argv + 1);

  pay::remember_command_line(argc, argv);
  auto loaded = pay::load_settings(config_path(argc, argv), std::getenv);
  if (!loaded.error.empty()) {
    std::cerr << "paymentd: configuration error: " << loaded.error << "\n";
    return 2;
  }
  auto& cfg = loaded.value;
  spdlog::set_level(spdlog::level::from_str(cfg.log_level));
  if (!cfg.log_file.empty()) {
    auto err = pay::obs::use_rotating_log_file(cfg.log_file,
                                               cfg.log_file_bytes_max,
                                               cfg.log_files_max);
    if (!err.empty()) {
      std::cerr << "paymentd: " << err << "\n";
      return 2;
    }
  }
  if (cfg.log_format == "json") pay::obs::use_json_logs();
  if (!migrate(cfg.database_url)) {
    std::cerr << "paymentd: cannot reach the database to apply migrations\n";
    return 3;
  }

  // In a cluster every connection names this node's incarnation, so the
  // database refuses its writes once its lease is gone (and ends a
  // transaction a paused node left open).
  auto joined = pay::join_as_node(cfg);
  cfg.database_url = pay::domain::with_node_settings(cfg.database_url,
                                                     joined.me,
                                                     cfg.cluster_lease_ms);
  if (joined.me.clustered()) pay::install_fence_counter();

  caf::actor_system_config caf_cfg;
  // One CAF worker per core: CAF's own default is at least four, which on
  // a two-core box measured 10 % fewer orders/s (the extra workers only
  // wake, contend for the one queue and sleep again). One order store per
  // two cores: fewer, larger group commits; on two cores one connection
  // completed 28 % more orders/s than four, at 23 % less CPU per order.
  const auto cores = std::thread::hardware_concurrency();
  auto workers = pay::count_for_cores(cfg.actor_threads, cores, 1);
  cfg.database_connections = pay::count_for_cores(cfg.database_connections,
                                                  cores, 2);
  caf_cfg.set("scheduler.max-threads", static_cast<size_t>(workers));
  caf_cfg.set("scheduler.policy", cfg.actor_scheduler == "sharing"
                                    ? caf::atom("sharing")
                                    : caf::atom("stealing"));
  caf::actor_system sys{caf_cfg};

  auto started = pay::start_engine(sys, cfg, joined.me);
  if (!started.error.empty()) {
    std::cerr << "paymentd: " << started.error << "\n";
    return 2;
  }
  const auto& engine = started.value;

  auto keys = std::make_shared<pay::gateway::key_registry>(cfg.database_url,
                                                           cfg.keys_refresh_ms);
  if (auto err = keys->start(cfg.bootstrap_admin_key); !err.empty()) {
    std::cerr << "paymentd: " << err << "\n";
    pay::stop_engine(engine);
    return 2;
  }
  auto handler = pay::gateway::make_gateway(
    sys, engine.service, {engine.refunds, engine.payouts, engine.reconciler},
    pay::gateway_options_from(cfg, engine, keys, joined.me));
  auto server = pay::make_server(cfg, std::move(handler));
  if (auto err = server->start(); !err.empty()) {
    std::cerr << "paymentd: " << err << "\n";
    // Or the actor system would wait for the engine's actors forever.
    pay::stop_engine(engine);
    return 2;
  }
  std::cout << pay::listening_banner(cfg, *server) << std::flush;

  pay::obs::metrics::get().read_http_edge_with([edge = server.get()] {
    auto c = edge->counters();
    return pay::obs::metrics::http_edge_figures{c.connections_open,
                                                c.connections_refused_total,
                                                c.header_timeouts_total,
                                                c.tls_handshake_failures_total};
  });
  auto sig = wait_for_signal();
  spdlog::info("signal {} received, stopping", sig);
  pay::obs::metrics::get().read_http_edge_with({});
  server->stop();
  pay::stop_engine(engine);
  return 0;
}
