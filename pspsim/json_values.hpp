// Values every Stripe object renders the same way.
#pragma once

#include <optional>
#include <string>

#include <boost/json.hpp>

#include "pspsim/intent.hpp"

namespace pay::pspsim {

// A field Stripe sends as null when unset.
inline boost::json::value optional_json(
  const std::optional<std::string>& text) {
  if (!text) return nullptr;
  return boost::json::string(*text);
}

// metadata: {} when empty, never null.
inline boost::json::object metadata_json(const metadata_map& metadata) {
  boost::json::object out;
  for (const auto& [key, value] : metadata) out[key] = value;
  return out;
}

}  // namespace pay::pspsim
