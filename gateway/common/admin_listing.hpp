#pragma once
// What every admin listing and operator decision takes. A listing (orders'
// and money dead letters, reviews, pay-outs, refunds, reconciliation runs
// and exceptions) takes and answers the way GET /admin/orders does: `limit`
// from 1 to the listing's maximum, an opaque `cursor` (order_cursor's
// encoding: where the previous page ended, as a time and an id), and
// {"object":"list", <key>: [...], "has_more": bool, "next_cursor":
// string|null}. An operator's decision carries {"reason": "..."}.

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <boost/json/array.hpp>

#include "gateway/common/api_error.hpp"

namespace pay::gateway {

struct page_request {
  std::uint32_t limit = 50;
  std::int64_t after_us = -1;  // the cursor's time; -1: the first page
  std::string after_id;
};

// Reads a query string: every field must be in `allowed` (else 400
// parameter_unknown naming it); "limit" and "cursor" fill `page` (1 to
// `limit_max`; a cursor this API handed out), any other field goes to
// `take`, which answers an error naming the field or nothing. A bad
// %-escape is 400 invalid_query.
template <class Take>
std::optional<api_error> read_page_query(
  std::string_view target, std::initializer_list<std::string_view> allowed,
  std::uint32_t limit_max, page_request& page, Take&& take);

// The next page's cursor, or "" when none follows.
std::string next_cursor(bool has_more, std::int64_t last_us,
                        const std::string& last_id);

// A cursor's id that is one of our numeric ids (a run or an exception).
std::optional<std::int64_t> numeric_cursor_id(const std::string& id);

// {"object":"list", `key`: data, "has_more", "next_cursor" (null when "")}.
std::string render_page(std::string_view key, boost::json::array data,
                        bool has_more, const std::string& next_cursor);

// A dead-letter listing's query, the same for the orders', refunds' and
// pay-outs' dead letters: `status` open (the default), requeued, resolved or
// all (read as "": any), `limit` 1 to 1000 (default 100) and `cursor`.
struct dead_letter_query {
  std::string status = "open";
  page_request page{100, -1, {}};
};
std::variant<dead_letter_query, api_error> read_dead_letter_query(
  std::string_view target);

// The body of a dead letter's resolve: {"reason": "..."}, a non-empty
// string of at most 1000 characters (anything else, a body that is not a
// JSON object included: 400 parameter_missing, param reason; another field:
// 400 parameter_unknown naming it).
std::variant<std::string, api_error> operator_reason(std::string_view body);

// --- implementation details of read_page_query ----------------------------

// The query's fields in order, or nullopt for a bad %-escape.
std::optional<std::vector<std::pair<std::string, std::string>>> query_fields(
  std::string_view target);
// "limit" or "cursor" into `page`; an error naming the field when bad.
std::optional<api_error> take_page_field(const std::string& name,
                                         const std::string& value,
                                         std::uint32_t limit_max,
                                         page_request& page);

template <class Take>
std::optional<api_error> read_page_query(
  std::string_view target, std::initializer_list<std::string_view> allowed,
  std::uint32_t limit_max, page_request& page, Take&& take) {
  auto fields = query_fields(target);
  if (!fields) return invalid("invalid_query", "Malformed query string.", "");
  for (const auto& [name, value] : *fields) {
    bool known = name == "limit" || name == "cursor";
    for (auto a : allowed) known = known || name == a;
    if (!known)
      return invalid("parameter_unknown", "Unknown parameter: " + name, name);
    auto err = name == "limit" || name == "cursor"
                 ? take_page_field(name, value, limit_max, page)
                 : take(name, value);
    if (err) return err;
  }
  return std::nullopt;
}

}  // namespace pay::gateway
