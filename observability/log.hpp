#pragma once
// Logging with a correlation id. Every line about a request (an HTTP call, a
// webhook, a recovery pass) carries the id that started it, as a field of the
// JSON line, so one grep follows it from the gateway through the actors to
// the PSP call and the database write.
//
//   pay::log::info(st.correlation_id, "order {} {} -> {}", id, from, to);
//
// The id is handed to the formatter through a thread-local for the length of
// the one spdlog call: actors hop threads between messages, so nothing may
// outlive the call.

#include <cstddef>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

namespace pay::obs {

// Formats every line of spdlog's default logger as one JSON object:
// {"ts":"2026-12-02T01:02:03.456789Z","level":"info","cid":"req_..","msg":".."}
// ("cid" only when the line has one).
void use_json_logs();

// Sends every line to `path` instead of stdout, starting a new file when it
// passes `file_bytes_max` and keeping `files_max` old ones (path.1, path.2,
// ...): a flood of log lines cannot fill the disk. Call before
// use_json_logs(). Returns "" or why the file cannot be opened.
std::string use_rotating_log_file(const std::string& path,
                                  std::size_t file_bytes_max,
                                  std::size_t files_max);

// The correlation id of the line being logged on this thread, if any.
std::string_view current_correlation_id();

class correlation_scope {
 public:
  explicit correlation_scope(std::string_view cid);
  ~correlation_scope();
  correlation_scope(const correlation_scope&) = delete;
  correlation_scope& operator=(const correlation_scope&) = delete;

 private:
  std::string_view previous_;
};

}  // namespace pay::obs

namespace pay::log {

// Per-transition detail: the history table keeps every transition, so the
// log carries them only when asked for (log level debug). The level check
// comes first so a disabled line costs no formatting.
template <class... Args>
void debug(std::string_view cid, spdlog::format_string_t<Args...> fmt,
           Args&&... args) {
  if (!spdlog::should_log(spdlog::level::debug)) return;
  obs::correlation_scope scope{cid};
  spdlog::debug(fmt, std::forward<Args>(args)...);
}

template <class... Args>
void info(std::string_view cid, spdlog::format_string_t<Args...> fmt,
          Args&&... args) {
  obs::correlation_scope scope{cid};
  spdlog::info(fmt, std::forward<Args>(args)...);
}

template <class... Args>
void warn(std::string_view cid, spdlog::format_string_t<Args...> fmt,
          Args&&... args) {
  obs::correlation_scope scope{cid};
  spdlog::warn(fmt, std::forward<Args>(args)...);
}

template <class... Args>
void error(std::string_view cid, spdlog::format_string_t<Args...> fmt,
           Args&&... args) {
  obs::correlation_scope scope{cid};
  spdlog::error(fmt, std::forward<Args>(args)...);
}

}  // namespace pay::log
