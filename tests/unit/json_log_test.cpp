#include <sstream>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <boost/json.hpp>

#include "observability/json_text.hpp"
#include "observability/log.hpp"

namespace pay::obs {
namespace {

TEST(json_text, escapes_quotes_backslashes_and_control_characters) {
  std::string out;
  append_json_escaped("a\"b\\c\nd\te\x01\xc3\xa9", out);
  EXPECT_EQ(out, "a\\\"b\\\\c\\nd\\te\\u0001\xc3\xa9");
}

// Every line is one JSON object; the correlation id is a field of its own.
TEST(json_log, lines_parse_as_json_and_carry_the_correlation_id) {
  std::ostringstream captured;
  auto previous = spdlog::default_logger();
  auto logger = std::make_shared<spdlog::logger>(
    "test", std::make_shared<spdlog::sinks::ostream_sink_mt>(captured));
  spdlog::set_default_logger(logger);
  use_json_logs();
  log::warn("req_42", "order {} said \"{}\"", "po_1", "hi\n");
  spdlog::info("no id here");
  spdlog::set_default_logger(previous);

  std::istringstream lines{captured.str()};
  std::string first, second;
  std::getline(lines, first);
  std::getline(lines, second);
  auto a = boost::json::parse(first).as_object();
  EXPECT_EQ(a.at("cid").as_string(), "req_42");
  EXPECT_EQ(a.at("level").as_string(), "warning");
  EXPECT_EQ(a.at("msg").as_string(), "order po_1 said \"hi\n\"");
  auto b = boost::json::parse(second).as_object();
  EXPECT_FALSE(b.contains("cid"));
  EXPECT_EQ(current_correlation_id(), "");  // nothing outlives the call
}

}  // namespace
}  // namespace pay::obs
