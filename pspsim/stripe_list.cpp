#include "pspsim/stripe_list.hpp"

#include <algorithm>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace pay::pspsim {

std::optional<param_error> parse_integer_param(
  const http::form_fields& fields, const std::string& name,
  std::optional<std::int64_t>& out) {
  const auto raw = http::form_value(fields, name);
  if (!raw) return std::nullopt;
  std::string_view digits = *raw;
  const bool negative = !digits.empty() && digits.front() == '-';
  if (negative) digits.remove_prefix(1);
  const bool valid = !digits.empty() && digits.size() <= 15
                     && std::all_of(digits.begin(), digits.end(), [](char c) {
                          return c >= '0' && c <= '9';
                        });
  if (!valid) {
    return param_error{400, "parameter_invalid_integer",
                       "Invalid integer: " + std::string(*raw), name};
  }
  const std::int64_t value = std::stoll(std::string(digits));
  out = negative ? -value : value;
  return std::nullopt;
}

std::optional<param_error> parse_id_param(const http::form_fields& fields,
                                          const std::string& name,
                                          std::string& out) {
  const auto raw = http::form_value(fields, name);
  if (!raw) return std::nullopt;
  if (raw->empty()) {
    return param_error{
      400, "parameter_invalid_empty",
      "You passed an empty string for '" + name
        + "'. We assume empty values are an attempt to unset a parameter; "
          "however '"
        + name + "' cannot be unset. You should remove '" + name
        + "' from your request or supply a non-empty value.",
      name};
  }
  out = std::string(*raw);
  return std::nullopt;
}

std::optional<param_error> parse_page_query(const http::form_fields& fields,
                                            page_query& q) {
  std::optional<std::int64_t> gt, gte, lt, lte, limit;
  for (auto [name, value] :
       {std::pair{"created[gt]", &gt}, std::pair{"created[gte]", &gte},
        std::pair{"created[lt]", &lt}, std::pair{"created[lte]", &lte},
        std::pair{"limit", &limit}}) {
    if (auto e = parse_integer_param(fields, name, *value)) return e;
  }
  // At most 15 digits each: the +1 cannot overflow.
  if (gte) q.created_from = std::max(q.created_from, *gte);
  if (gt) q.created_from = std::max(q.created_from, *gt + 1);
  if (lt) q.created_to = std::min(q.created_to, *lt);
  if (lte) q.created_to = std::min(q.created_to, *lte + 1);
  if (limit) {
    if (*limit < 1 || *limit > list_limit_max) {
      return param_error{400, "parameter_invalid_integer",
                         "limit must be between 1 and 100.", "limit"};
    }
    q.limit = static_cast<std::size_t>(*limit);
  }
  for (auto [name, value] : {std::pair{"starting_after", &q.starting_after},
                             std::pair{"ending_before", &q.ending_before}}) {
    if (auto e = parse_id_param(fields, name, *value)) return e;
  }
  if (!q.starting_after.empty() && !q.ending_before.empty()) {
    return param_error{400, "parameters_exclusive",
                       "You may only specify one of these parameters: "
                       "ending_before, starting_after.",
                       "ending_before"};
  }
  return std::nullopt;
}

list_page page_of(const newest_first& order, const page_query& q,
                  const list_key* cursor) {
  list_page page;
  // Ids are never empty, so (t, "") sorts after every key created at t:
  // a key is in range when top > key > bottom.
  const list_key top{q.created_to, ""};
  const list_key bottom{q.created_from, ""};
  if (!q.ending_before.empty()) {
    // Walk newer from the cursor (or from the range's oldest end).
    const list_key& floor = cursor != nullptr && bottom < *cursor ? *cursor
                                                                  : bottom;
    auto it = order.lower_bound(floor);  // first key <= floor
    std::vector<std::string> newer;
    while (it != order.begin()) {
      --it;
      if (!(*it < top)) break;
      if (newer.size() == q.limit) {
        page.has_more = true;
        break;
      }
      newer.push_back(it->second);
    }
    page.ids.assign(newer.rbegin(), newer.rend());
    return page;
  }
  const list_key& ceiling = cursor != nullptr && *cursor < top ? *cursor : top;
  for (auto it = order.upper_bound(ceiling);  // first key < ceiling
       it != order.end() && bottom < *it; ++it) {
    if (page.ids.size() == q.limit) {
      page.has_more = true;
      break;
    }
    page.ids.push_back(it->second);
  }
  return page;
}

std::string list_body(std::string_view url, boost::json::array data,
                      bool has_more) {
  boost::json::object body;
  body["object"] = "list";
  body["url"] = url;
  body["has_more"] = has_more;
  body["data"] = std::move(data);
  return boost::json::serialize(body);
}

std::string_view cursor_param(const page_query& q) {
  return q.ending_before.empty() ? "starting_after" : "ending_before";
}

const std::string& cursor_id(const page_query& q) {
  return q.ending_before.empty() ? q.starting_after : q.ending_before;
}

}  // namespace pay::pspsim
