#include "actors/reconcile/settlement_csv_source.hpp"

#include <chrono>

#include "domain/common/sha256.hpp"
#include "domain/reconcile/settlement_csv.hpp"

namespace pay {

namespace {

using clock_type = std::chrono::steady_clock;

std::uint64_t ms_since(clock_type::time_point start) {
  return static_cast<std::uint64_t>(
    std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now()
                                                          - start)
      .count());
}

}  // namespace

settled_day settlement_csv_source::settled_lines_of(const std::string& date) {
  settled_day out;
  out.facts.name = std::string{settlement_csv_source_name};
  auto started = clock_type::now();
  auto answer = open_()("/v1/settlement_files/" + date, headers_);
  out.fetch_ms = ms_since(started);
  if (!answer.error.empty()) {
    out.error = "settlement file download failed: " + answer.error;
    return out;
  }
  out.facts.pages = 1;
  if (answer.http_status != 200) {
    out.error = "settlement file answered HTTP "
                + std::to_string(answer.http_status);
    return out;
  }
  started = clock_type::now();
  auto parsed = domain::parse_settlement_csv(answer.body);
  out.parse_ms = ms_since(started);
  if (!parsed.error.empty()) {
    out.error = "settlement file unreadable at line "
                + std::to_string(parsed.error_line) + ": " + parsed.error;
    return out;
  }
  out.file = std::move(parsed.file);
  out.file.date = date;  // a header-only file names no date
  out.content_sha256 = domain::sha256_hex(answer.body);
  return out;
}

}  // namespace pay
