#include "gateway/common/admin_listing.hpp"

#include <boost/json.hpp>

#include "gateway/common/order_cursor.hpp"
#include "gateway/common/render.hpp"
#include "http/form.hpp"

namespace pay::gateway {

namespace json = boost::json;

std::optional<std::vector<std::pair<std::string, std::string>>> query_fields(
  std::string_view target) {
  return http::parse_query(target);
}

std::optional<api_error> take_page_field(const std::string& name,
                                         const std::string& value,
                                         std::uint32_t limit_max,
                                         page_request& page) {
  if (name == "limit") {
    auto digits_max = std::to_string(limit_max).size();
    std::uint64_t n = 0;
    bool whole = !value.empty() && value.size() <= digits_max
                 && value.find_first_not_of("0123456789") == std::string::npos;
    if (whole) n = std::stoull(value);
    if (!whole || n < 1 || n > limit_max)
      return invalid("parameter_invalid",
                     "limit must be a whole number from 1 to "
                       + std::to_string(limit_max) + ".",
                     "limit");
    page.limit = static_cast<std::uint32_t>(n);
    return std::nullopt;
  }
  auto cursor = decode_cursor(value);
  if (!cursor)
    return invalid("parameter_invalid",
                   "cursor is not one this API handed out; use next_cursor "
                   "from the previous page.",
                   "cursor");
  page.after_us = cursor->updated_us;
  page.after_id = cursor->id;
  return std::nullopt;
}

std::string next_cursor(bool has_more, std::int64_t last_us,
                        const std::string& last_id) {
  if (!has_more) return {};
  return encode_cursor({last_us, last_id});
}

std::optional<std::int64_t> numeric_cursor_id(const std::string& id) {
  if (id.empty() || id.size() > 18
      || id.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return std::stoll(id);
}

std::string render_page(std::string_view key, json::array data, bool has_more,
                        const std::string& next_cursor) {
  json::object out;
  out["object"] = "list";
  out[key] = std::move(data);
  out["has_more"] = has_more;
  out["next_cursor"] = null_if_empty(next_cursor);
  return json::serialize(out);
}

std::variant<dead_letter_query, api_error> read_dead_letter_query(
  std::string_view target) {
  constexpr std::uint32_t limit_max = 1000;
  dead_letter_query query;
  auto err = read_page_query(
    target, {"status"}, limit_max, query.page,
    [&](const std::string&,
        const std::string& value) -> std::optional<api_error> {
      if (value != "open" && value != "requeued" && value != "resolved"
          && value != "all")
        return invalid("parameter_invalid",
                       "status must be open, requeued, resolved or all.",
                       "status");
      query.status = value == "all" ? "" : value;
      return std::nullopt;
    });
  if (err) return *err;
  return query;
}

std::variant<std::string, api_error> operator_reason(std::string_view body) {
  constexpr std::size_t reason_length_max = 1000;
  auto missing = invalid("parameter_missing",
                         "Body must be a JSON object with a non-empty string "
                         "\"reason\" of at most 1000 characters.",
                         "reason");
  boost::system::error_code ec;
  auto parsed = json::parse(json::string_view{body.data(), body.size()}, ec);
  if (ec || !parsed.is_object()) return missing;
  for (const auto& field : parsed.get_object())
    if (field.key() != "reason")
      return invalid("parameter_unknown",
                     "Unknown parameter: " + std::string{field.key()},
                     std::string{field.key()});
  const auto* reason = parsed.get_object().if_contains("reason");
  if (reason == nullptr || !reason->is_string() || reason->get_string().empty()
      || reason->get_string().size() > reason_length_max)
    return missing;
  return std::string{reason->get_string()};
}

}  // namespace pay::gateway
