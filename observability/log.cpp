#include "observability/log.hpp"

#include <spdlog/sinks/rotating_file_sink.h>

#include <spdlog/pattern_formatter.h>

#include "observability/json_text.hpp"

namespace pay::obs {

namespace {

thread_local std::string_view current_cid;

void append(spdlog::memory_buf_t& dest, const std::string& text) {
  dest.append(text.data(), text.data() + text.size());
}

// %* : `"cid":"<escaped>",` when the line has a correlation id, else nothing.
class cid_flag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg&, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    if (current_cid.empty()) return;
    std::string text = "\"cid\":\"";
    append_json_escaped(current_cid, text);
    text += "\",";
    append(dest, text);
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return spdlog::details::make_unique<cid_flag>();
  }
};

// %& : the message, escaped for a JSON string.
class message_flag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    std::string text;
    append_json_escaped({msg.payload.data(), msg.payload.size()}, text);
    append(dest, text);
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return spdlog::details::make_unique<message_flag>();
  }
};

}  // namespace

std::string use_rotating_log_file(const std::string& path,
                                  std::size_t file_bytes_max,
                                  std::size_t files_max) {
  try {
    auto logger = spdlog::rotating_logger_mt("paymentd", path, file_bytes_max,
                                             files_max);
    logger->set_level(spdlog::get_level());
    // Lines reach the file when written: a crash loses none of them.
    logger->flush_on(spdlog::level::trace);
    spdlog::set_default_logger(std::move(logger));
    return {};
  } catch (const spdlog::spdlog_ex& e) {
    return std::string{"cannot log to "} + path + ": " + e.what();
  }
}

void use_json_logs() {
  auto formatter = std::make_unique<spdlog::pattern_formatter>(
    spdlog::pattern_time_type::utc);
  formatter->add_flag<cid_flag>('*').add_flag<message_flag>('&').set_pattern(
    R"({"ts":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l",%*"msg":"%&"})");
  spdlog::set_formatter(std::move(formatter));
}

std::string_view current_correlation_id() { return current_cid; }

correlation_scope::correlation_scope(std::string_view cid)
    : previous_(current_cid) {
  current_cid = cid;
}

correlation_scope::~correlation_scope() { current_cid = previous_; }

}  // namespace pay::obs
