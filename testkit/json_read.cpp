#include "testkit/json_read.hpp"

namespace pay::it {

namespace json = boost::json;

json::value json_of(const http::sync_result& r) {
  boost::system::error_code ec;
  auto v = json::parse(r.res.body(), ec);
  return ec ? json::value{} : v;
}

std::string header_of(const http::sync_result& r, const char* name) {
  const auto it = r.res.find(name);
  return it == r.res.end() ? "" : std::string{it->value()};
}

std::string string_at(const json::value& v,
                      std::initializer_list<const char*> path) {
  const json::value* at = &v;
  for (const char* key : path) {
    if (!at->is_object()) return "<absent>";
    at = at->as_object().if_contains(key);
    if (!at) return "<absent>";
  }
  if (at->is_null()) return "<null>";
  if (!at->is_string()) return "<not a string>";
  return std::string{at->as_string()};
}

}  // namespace pay::it
