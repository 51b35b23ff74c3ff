// A child process for black-box tests: started with fork/execve and an
// environment of our choosing, its stdout and stderr appended to one log file
// (so it can never block on a full pipe), its readiness announced by a line
// in that log, and stopped with SIGTERM (SIGKILL if it does not exit in time).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace pay::it {

struct process_options {
  std::string binary;
  std::vector<std::string> args;  // without argv[0]
  // Set (or replaced) on top of this process's own environment.
  std::map<std::string, std::string> env;
  std::string log_path;  // truncated at start
};

class child_process {
 public:
  child_process() = default;
  ~child_process();  // stops the child if it still runs
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  // Empty on success, else why the child could not be started. A stopped
  // child may be started again (with a new log file).
  std::string start(const process_options& options);

  // Waits until a log line starts with `prefix` ("pspsim listening on ") and
  // returns the port after its last ':'; 0 when the child exited, the line
  // did not come within `timeout_ms`, or the port is malformed.
  std::uint16_t wait_for_port(const std::string& prefix,
                              std::uint32_t timeout_ms);

  // SIGTERM, then SIGKILL after `grace_ms`. Returns the exit code, or -1 when
  // it was killed by a signal (including our SIGKILL). Idempotent: a second
  // call returns the first result.
  int stop(std::uint32_t grace_ms = 10'000);

  // SIGKILL now, no grace: a crash, as far as the child can tell.
  void kill_hard();

  bool running() const { return pid_ > 0 && !exited_; }
  pid_t pid() const { return pid_; }
  const std::string& log_path() const { return log_path_; }
  // Everything logged so far from byte `offset` on, at most the last
  // `bytes_max` bytes of it.
  std::string log_since(std::size_t offset,
                        std::size_t bytes_max = 64 * 1024) const;
  std::size_t log_size() const;

 private:
  // True (and exit_status_ set) when the child has exited.
  bool reap_nonblocking();

  pid_t pid_ = -1;
  bool exited_ = false;
  int exit_status_ = -1;
  std::string log_path_;
};

}  // namespace pay::it
