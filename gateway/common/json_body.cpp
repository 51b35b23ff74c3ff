#include "gateway/common/json_body.hpp"

#include <algorithm>

namespace pay::gateway {

std::variant<boost::json::object, api_error> parse_json_object(
  std::string_view body) {
  boost::system::error_code ec;
  auto value = boost::json::parse(
    boost::json::string_view{body.data(), body.size()}, ec);
  if (ec)
    return invalid("invalid_json",
                   "Request body is not valid JSON: " + ec.message() + ".", "");
  if (!value.is_object())
    return invalid("invalid_json", "Request body must be a JSON object.", "");
  return std::move(value.get_object());
}

std::optional<api_error> reject_unknown_fields(
  const boost::json::object& obj,
  std::initializer_list<std::string_view> allowed, const std::string& prefix) {
  for (const auto& kv : obj) {
    const std::string_view name{kv.key().data(), kv.key().size()};
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end())
      return invalid("parameter_unknown",
                     "Received unknown parameter: " + std::string{name},
                     prefix + std::string{name});
  }
  return std::nullopt;
}

}  // namespace pay::gateway
