#pragma once
// Reading a PSP answer's fields without trusting its shape: a missing or
// mistyped field reads as empty, never throws.

#include <string>
#include <string_view>

#include <boost/json.hpp>

namespace pay::domain {

inline std::string string_at(const boost::json::object& obj,
                             std::string_view key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->value().is_string()) return {};
  return std::string{it->value().get_string()};
}

}  // namespace pay::domain
