#include "tools/chaos/schedule.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <random>
#include <thread>

namespace pay::chaos {

namespace {

// Disruptions land between 5% and 90% of the clients' progress.
constexpr std::uint32_t at_permille_min = 50;
constexpr std::uint32_t at_permille_span = 850;
constexpr std::uint32_t delay_ms_max = 100;
constexpr std::uint32_t down_ms_max = 500;
// A paused node stays stopped its lease plus this much, so that it is
// surely taken over before it wakes up.
constexpr std::uint32_t pause_past_lease_ms_min = 500;
constexpr std::uint32_t pause_past_lease_ms_span = 1'000;
constexpr std::chrono::milliseconds poll_interval{10};

void wait_for_turn(const chaos_action& action, const schedule_hooks& hooks) {
  const auto due = std::uint64_t{hooks.checkouts_total} * action.at_permille
                   / 1'000;
  while (hooks.checkouts_done() < due && !hooks.clients_finished())
    std::this_thread::sleep_for(poll_interval);
  std::this_thread::sleep_for(std::chrono::milliseconds{action.delay_ms});
}

}  // namespace

std::vector<chaos_action> make_schedule(const schedule_counts& counts,
                                        std::uint64_t seed) {
  // Its own stream, so changing the number of kills does not change the
  // workload drawn from the same seed.
  std::mt19937_64 rng{seed ^ 0x6368616f73ULL};
  std::vector<chaos_action> out;
  const auto draw = [&](action_kind kind) {
    out.push_back(chaos_action{
      kind,
      at_permille_min + static_cast<std::uint32_t>(rng() % at_permille_span),
      static_cast<std::uint32_t>(rng() % (delay_ms_max + 1)),
      kind == action_kind::kill_paymentd
        ? static_cast<std::uint32_t>(rng() % (down_ms_max + 1))
        : 0});
  };
  for (std::uint32_t i = 0; i < counts.kills; ++i)
    draw(action_kind::kill_paymentd);
  for (std::uint32_t i = 0; i < counts.pg_restarts; ++i)
    draw(action_kind::restart_postgres);
  if (counts.nodes > 1) {
    // Drawn after the others and from a stream of their own, so the kills
    // and restarts land where they did without a cluster.
    for (std::uint32_t i = 0; i < counts.pauses; ++i) {
      draw(action_kind::pause_node);
      out.back().down_ms = counts.lease_ms + pause_past_lease_ms_min
                           + static_cast<std::uint32_t>(
                             rng() % (pause_past_lease_ms_span + 1));
    }
    std::mt19937_64 victims{seed ^ 0x6e6f646573ULL};
    for (auto& a : out)
      if (a.kind != action_kind::restart_postgres)
        a.node = static_cast<std::uint32_t>(victims() % counts.nodes);
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.at_permille < b.at_permille;
  });
  return out;
}

namespace {

std::string carry_out(const chaos_action& action, const schedule_hooks& hooks,
                      std::string& what, std::string& done) {
  const auto node = "node" + std::to_string(action.node + 1);
  switch (action.kind) {
    case action_kind::kill_paymentd:
      what = hooks.clustered ? "kill -9 " + node : "kill -9 paymentd";
      return hooks.kill_paymentd(action.node, action.down_ms);
    case action_kind::pause_node:
      what = "SIGSTOP " + node + " for " + std::to_string(action.down_ms)
             + " ms";
      return hooks.pause_node(action.node, action.down_ms, done);
    case action_kind::restart_postgres:
      what = hooks.postgres_fault;
      return hooks.restart_postgres();
  }
  return "unknown action";
}

}  // namespace

schedule_report run_schedule(const std::vector<chaos_action>& schedule,
                             const schedule_hooks& hooks) {
  schedule_report out;
  for (const auto& action : schedule) {
    wait_for_turn(action, hooks);
    const auto started = std::chrono::steady_clock::now();
    std::string what, done;
    const auto error = carry_out(action, hooks, what, done);
    const auto took_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - started)
                           .count();
    out.events.push_back(
      what + " at " + std::to_string(hooks.checkouts_done()) + "/"
      + std::to_string(hooks.checkouts_total) + " checkouts done (planned "
      + std::to_string(action.at_permille / 10) + "%), took "
      + std::to_string(took_ms) + " ms" + (done.empty() ? "" : "; " + done)
      + (error.empty() ? "" : ": " + error));
    if (!error.empty()) {
      out.found.push_back({invariant::harness, out.events.back()});
      // Without a paymentd the rest of the round means nothing; a cluster
      // still has the other nodes.
      if (action.kind == action_kind::kill_paymentd && !hooks.clustered)
        return out;
      continue;
    }
    switch (action.kind) {
      case action_kind::kill_paymentd:
        ++out.kills;
        break;
      case action_kind::restart_postgres:
        ++out.pg_restarts;
        break;
      case action_kind::pause_node:
        ++out.pauses;
        break;
    }
  }
  return out;
}

std::string run_shell(const std::string& command, const std::string& log_path) {
  const int log_fd = ::open(log_path.c_str(),
                            O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) return "cannot open " + log_path;
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(log_fd);
    return "fork failed";
  }
  if (pid == 0) {
    // Not std::system: a restarted postmaster would inherit every socket
    // the harness holds and keep them open for as long as it runs.
    const int null_fd = ::open("/dev/null", O_RDONLY);
    if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
    ::dup2(log_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    ::close_range(3, ~0U, 0);
    ::execl("/bin/sh", "sh", "-c", command.c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(log_fd);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
  return "`" + command + "` failed (wait status " + std::to_string(status)
         + ", see " + log_path + ")";
}

}  // namespace pay::chaos
