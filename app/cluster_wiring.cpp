#include "app/cluster_wiring.hpp"

#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>
#include <pqxx/pqxx>

#include "observability/metrics.hpp"
#include "persistence/cluster/cluster_sql.hpp"
#include "persistence/common/fenced_write.hpp"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

namespace pay {

namespace {

std::vector<std::string> command_line;
std::atomic<std::uint64_t> refused_writes{0};

void count_refused_write() {
  refused_writes.fetch_add(1);
  obs::metrics::get().fenced_write_refused();
}

}  // namespace

void remember_command_line(int argc, char** argv) {
  command_line.assign(argv, argv + argc);
}

std::string advertise_url(const settings& cfg) {
  if (!cfg.cluster_advertise_url.empty()) return cfg.cluster_advertise_url;
  auto scheme = cfg.http_tls_cert.empty() ? "http" : "https";
  return std::string{scheme} + "://" + cfg.http_address + ":"
         + std::to_string(cfg.http_port);
}

join_result join_as_node(const settings& cfg) {
  join_result out;
  if (cfg.cluster_node_id.empty()) return out;
  // A node restarted by its fence, or during a database failover, waits
  // for the database as long as it takes: giving up would leave the node
  // down for good.
  std::chrono::milliseconds pause{200};
  for (int attempt = 1;; ++attempt) {
    try {
      pqxx::connection conn{cfg.database_url};
      pqxx::work txn{conn};
      auto epoch = persistence::join_cluster(txn, cfg.cluster_node_id,
                                             advertise_url(cfg),
                                             cfg.cluster_lease_ms);
      txn.commit();
      out.me = domain::node_identity{cfg.cluster_node_id, epoch};
      spdlog::info("cluster: joined as node {} epoch {} ({})",
                   cfg.cluster_node_id, epoch, advertise_url(cfg));
      return out;
    } catch (const std::exception& e) {
      spdlog::warn("cluster: cannot join yet (attempt {}): {}", attempt,
                   e.what());
      std::this_thread::sleep_for(pause);
      pause = std::min(pause * 2, std::chrono::milliseconds{2'000});
    }
  }
}

void install_fence_counter() {
  persistence::on_fenced_write(&count_refused_write);
}

void rejoin(const std::string& why) {
  spdlog::error(
    "cluster: {}; {} writes were refused; dropping every actor and joining "
    "again as a new epoch",
    why, refused_writes.load());
  spdlog::default_logger()->flush();
  // Nothing of this process may outlive the exec: not a listening socket
  // (the new image binds the same port), not a database connection (its
  // transactions must end).
  ::syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
  std::vector<char*> argv;
  argv.reserve(command_line.size() + 1);
  for (auto& arg : command_line) argv.push_back(arg.data());
  argv.push_back(nullptr);
  ::execv("/proc/self/exe", argv.data());
  spdlog::critical("cluster: cannot start again: exec failed");
  std::_Exit(75);
}

}  // namespace pay
