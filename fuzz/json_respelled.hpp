#pragma once
// The request body spelled again by Boost.JSON (other whitespace, escapes
// and number text), for targets that check a parser answers the same JSON
// the same way however it is written.

#include <optional>
#include <string>
#include <string_view>

#include <boost/json.hpp>

namespace pay::fuzz {

// Nothing when `body` is not JSON, or when its re-spelling is not a JSON
// object: Boost.JSON reads a number beyond double's range as infinity and
// writes it back as "Infinity", which is not JSON, so there is no second
// spelling to compare.
inline std::optional<std::string> json_respelled(std::string_view body) {
  boost::system::error_code ec;
  const auto value = boost::json::parse(
    boost::json::string_view{body.data(), body.size()}, ec);
  if (ec) return std::nullopt;
  std::string rewritten = boost::json::serialize(value);
  if (!boost::json::parse(rewritten, ec).is_object() || ec) return std::nullopt;
  return rewritten;
}

// True when `body` is JSON at all (a parser must refuse it otherwise).
inline bool is_json(std::string_view body) {
  boost::system::error_code ec;
  boost::json::parse(boost::json::string_view{body.data(), body.size()}, ec);
  return !ec;
}

}  // namespace pay::fuzz
