#include "actors/reconcile/balance_transactions_source.hpp"

#include <chrono>

#include <boost/json.hpp>

#include "domain/common/sha256.hpp"
#include "domain/reconcile/balance_transactions_day.hpp"
#include "domain/reconcile/settlement_csv.hpp"
#include "http/form.hpp"

namespace pay {

namespace {

using clock_type = std::chrono::steady_clock;

// Enough of a PSP's error message to say what went wrong.
constexpr std::size_t psp_message_chars_max = 200;

std::uint64_t ms_since(clock_type::time_point start) {
  return static_cast<std::uint64_t>(
    std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now()
                                                          - start)
      .count());
}

// Stripe's {"error":{"message":...}}, if the body is one; "" otherwise.
std::string psp_error_message(const std::string& body) {
  boost::system::error_code ec;
  auto doc = boost::json::parse(body, ec);
  if (ec || !doc.is_object()) return {};
  const auto* error = doc.get_object().if_contains("error");
  if (error == nullptr || !error->is_object()) return {};
  const auto* message = error->get_object().if_contains("message");
  if (message == nullptr || !message->is_string()) return {};
  return std::string{message->get_string()}.substr(0, psp_message_chars_max);
}

}  // namespace

std::string balance_transactions_target(const domain::utc_day_span& day,
                                        std::string_view starting_after) {
  http::form_fields query{
    {"created[gte]", std::to_string(day.start_unix_s)},
    {"created[lt]", std::to_string(day.end_unix_s)},
    {"limit", std::to_string(domain::balance_transactions_page_size)},
    {"expand[0]", "data.source"}};
  if (!starting_after.empty())
    query.emplace_back("starting_after", std::string{starting_after});
  return "/v1/balance_transactions?" + http::form_encode(query);
}

settled_day balance_transactions_source::settled_lines_of(
  const std::string& date) {
  settled_day out;
  out.facts.name = std::string{balance_transactions_source_name};
  auto span = domain::utc_day_span_of(date);
  if (!span) {
    out.error = "not a date (YYYY-MM-DD): " + date;
    return out;
  }
  domain::balance_transactions_day day{date, *span};
  auto get = open_();
  while (day.wants_page()) {
    const std::string page = std::to_string(day.pages() + 1);
    auto started = clock_type::now();
    auto answer = get(balance_transactions_target(*span, day.starting_after()),
                      headers_);
    out.fetch_ms += ms_since(started);
    if (!answer.error.empty()) {
      out.error = "balance transactions page " + page
                  + " download failed: " + answer.error;
      return out;
    }
    out.facts.pages = day.pages() + 1;
    if (answer.http_status != 200) {
      auto message = psp_error_message(answer.body);
      out.error = "balance transactions page " + page + " answered HTTP "
                  + std::to_string(answer.http_status)
                  + (message.empty() ? "" : ": " + message);
      return out;
    }
    started = clock_type::now();
    auto error = day.add_page(answer.body);
    out.parse_ms += ms_since(started);
    if (!error.empty()) {
      out.error = "balance transactions unreadable at " + error;
      return out;
    }
  }
  out.file = day.take_file();
  out.facts.skipped_by_type = day.skipped_by_type();
  out.content_sha256 = domain::sha256_hex(
    domain::format_settlement_csv(out.file));
  return out;
}

}  // namespace pay
