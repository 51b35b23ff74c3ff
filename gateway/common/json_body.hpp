#pragma once
// Checks every JSON request body shares, before its fields are read.

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <boost/json.hpp>

#include "gateway/common/api_error.hpp"

namespace pay::gateway {

// The body as a JSON object, or 400 invalid_json saying why not.
std::variant<boost::json::object, api_error> parse_json_object(
  std::string_view body);

// 400 parameter_unknown for the first member of `obj` not in `allowed`
// (Stripe's wording); its param is `prefix` + the member's name, so a nested
// object names the full path ("credit_card_info.x").
std::optional<api_error> reject_unknown_fields(
  const boost::json::object& obj,
  std::initializer_list<std::string_view> allowed,
  const std::string& prefix = {});

}  // namespace pay::gateway
