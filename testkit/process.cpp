#include "testkit/process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace pay::it {

namespace {

using clock_type = std::chrono::steady_clock;
constexpr std::chrono::milliseconds poll_interval{20};

// Our environment with `overrides` applied, as "KEY=VALUE" strings. Built
// before fork: between fork and exec only async-signal-safe calls are allowed.
std::vector<std::string> merged_environment(
  const std::map<std::string, std::string>& overrides) {
  std::vector<std::string> out;
  for (char** entry = environ; entry && *entry; ++entry) {
    std::string kv{*entry};
    const auto key = kv.substr(0, kv.find('='));
    if (!overrides.count(key)) out.push_back(std::move(kv));
  }
  for (const auto& [key, value] : overrides) out.push_back(key + "=" + value);
  return out;
}

std::vector<char*> pointers_to(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The port after the last ':' of the first line starting with `prefix`.
std::uint16_t port_in(const std::string& log, const std::string& prefix) {
  std::size_t at = 0;
  while (at < log.size()) {
    const auto end = log.find('\n', at);
    if (end == std::string::npos) return 0;  // the line is not complete yet
    const auto line = log.substr(at, end - at);
    if (line.rfind(prefix, 0) == 0) {
      const auto digits = line.substr(line.rfind(':') + 1);
      if (digits.empty() || digits.size() > 5) return 0;
      unsigned long port = 0;
      for (char c : digits) {
        if (c < '0' || c > '9') return 0;
        port = port * 10 + static_cast<unsigned long>(c - '0');
      }
      return port > 0 && port <= 65535 ? static_cast<std::uint16_t>(port) : 0;
    }
    at = end + 1;
  }
  return 0;
}

}  // namespace

child_process::~child_process() { stop(); }

std::string child_process::start(const process_options& options) {
  if (running()) return "already running";
  log_path_ = options.log_path;
  const int log_fd = ::open(log_path_.c_str(),
                            O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC,
                            0644);
  if (log_fd < 0)
    return "cannot open " + log_path_ + ": " + std::strerror(errno);
  std::vector<std::string> argv_strings{options.binary};
  argv_strings.insert(argv_strings.end(), options.args.begin(),
                      options.args.end());
  auto env_strings = merged_environment(options.env);
  auto argv = pointers_to(argv_strings);
  auto envp = pointers_to(env_strings);

  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(log_fd);
    return std::string{"fork failed: "} + std::strerror(errno);
  }
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a crashed test run
    const int null_fd = ::open("/dev/null", O_RDONLY);
    if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
    ::dup2(log_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    // Database sockets and other children's logs are not the child's business.
    ::close_range(3, ~0U, 0);
    ::execve(argv[0], argv.data(), envp.data());
    static const char failed[] = "execve failed\n";
    [[maybe_unused]] auto ignored = ::write(STDERR_FILENO, failed,
                                            sizeof failed - 1);
    ::_exit(127);
  }
  ::close(log_fd);
  pid_ = pid;
  exited_ = false;
  exit_status_ = -1;
  return {};
}

bool child_process::reap_nonblocking() {
  if (exited_) return true;
  if (pid_ <= 0) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) != pid_) return false;
  exited_ = true;
  exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return true;
}

std::uint16_t child_process::wait_for_port(const std::string& prefix,
                                           std::uint32_t timeout_ms) {
  const auto deadline = clock_type::now()
                        + std::chrono::milliseconds{timeout_ms};
  while (true) {
    if (const auto port = port_in(read_file(log_path_), prefix)) return port;
    if (reap_nonblocking() || clock_type::now() >= deadline) return 0;
    std::this_thread::sleep_for(poll_interval);
  }
}

int child_process::stop(std::uint32_t grace_ms) {
  if (pid_ <= 0) return -1;
  if (reap_nonblocking()) return exit_status_;
  ::kill(pid_, SIGTERM);
  const auto deadline = clock_type::now() + std::chrono::milliseconds{grace_ms};
  while (!reap_nonblocking()) {
    if (clock_type::now() >= deadline) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
      exited_ = true;
      exit_status_ = -1;
      break;
    }
    std::this_thread::sleep_for(poll_interval);
  }
  return exit_status_;
}

void child_process::kill_hard() {
  if (pid_ <= 0 || reap_nonblocking()) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  exited_ = true;
  exit_status_ = -1;
}

std::size_t child_process::log_size() const {
  return read_file(log_path_).size();
}

std::string child_process::log_since(std::size_t offset,
                                     std::size_t bytes_max) const {
  const auto text = read_file(log_path_);
  if (offset >= text.size()) return {};
  auto from = offset;
  if (text.size() - from > bytes_max) from = text.size() - bytes_max;
  return text.substr(from);
}

}  // namespace pay::it
