// What Stripe's list endpoints share (API version 2020-08-27): the query
// (created[gt|gte|lt|lte], limit, starting_after, ending_before), the order
// (newest first: `created` descending, then id descending), cursor paging
// over that order and the {"object":"list",...} envelope.
//
// A store keeps its objects' keys in a newest_first set as it creates them
// (bounded by the store itself) and pages over it in O(log n + limit).
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/array.hpp>

#include "http/form.hpp"
#include "pspsim/param_error.hpp"

namespace pay::pspsim {

constexpr std::int64_t list_limit_default = 10;
constexpr std::int64_t list_limit_max = 100;

// (created unix seconds, id).
using list_key = std::pair<std::int64_t, std::string>;
// The order every list answers in: newest first, ties by id descending.
using newest_first = std::set<list_key, std::greater<>>;

struct page_query {
  std::int64_t created_from = std::numeric_limits<std::int64_t>::min();
  std::int64_t created_to = std::numeric_limits<std::int64_t>::max();  // excl.
  std::size_t limit = list_limit_default;
  std::string starting_after;  // empty: none
  std::string ending_before;   // empty: none
};

// A whole number (a leading '-' allowed, at most 15 digits), else
// parameter_invalid_integer; nothing when absent.
std::optional<param_error> parse_integer_param(
  const http::form_fields& fields, const std::string& name,
  std::optional<std::int64_t>& out);

// An id given as a filter or cursor: absent leaves `out` empty; an empty
// value is Stripe's parameter_invalid_empty.
std::optional<param_error> parse_id_param(const http::form_fields& fields,
                                          const std::string& name,
                                          std::string& out);

// created[gt|gte|lt|lte], limit (1..100), starting_after, ending_before
// (not both: parameters_exclusive).
std::optional<param_error> parse_page_query(const http::form_fields& fields,
                                            page_query& q);

struct list_page {
  std::vector<std::string> ids;  // in list order
  bool has_more = false;         // more beyond the page, in its direction
};

// One page of `order` within q's created range. `cursor` is the key of the
// starting_after (or ending_before) object; null without a cursor.
// starting_after: up to `limit` objects right after the cursor (older);
// ending_before: up to `limit` objects right before it (newer), still
// newest first.
list_page page_of(const newest_first& order, const page_query& q,
                  const list_key* cursor);

// {"object":"list","url":<url>,"has_more":..,"data":[..]}.
std::string list_body(std::string_view url, boost::json::array data,
                      bool has_more);

// The cursor's parameter name for errors: "starting_after" or
// "ending_before".
std::string_view cursor_param(const page_query& q);
const std::string& cursor_id(const page_query& q);

}  // namespace pay::pspsim
