#include "gateway/common/canonical_json.hpp"

#include <algorithm>
#include <vector>

#include "domain/common/sha256.hpp"

namespace pay::gateway {

namespace json = boost::json;

namespace {

void write(const json::value& v, std::string& out) {
  if (!v.is_object() && !v.is_array()) {
    out += json::serialize(v);
    return;
  }
  if (v.is_array()) {
    out += '[';
    bool first = true;
    for (const auto& item : v.get_array()) {
      if (!first) out += ',';
      first = false;
      write(item, out);
    }
    out += ']';
    return;
  }
  const auto& obj = v.get_object();
  std::vector<const json::key_value_pair*> members;
  for (const auto& kv : obj) members.push_back(&kv);
  std::sort(members.begin(), members.end(),
            [](auto* a, auto* b) { return a->key() < b->key(); });
  out += '{';
  bool first = true;
  for (const auto* kv : members) {
    if (!first) out += ',';
    first = false;
    out += json::serialize(json::string(kv->key()));
    out += ':';
    write(kv->value(), out);
  }
  out += '}';
}

}  // namespace

std::string canonical_json(const json::value& value) {
  std::string out;
  write(value, out);
  return out;
}

std::string sha256_hex(const std::string& text) {
  return domain::sha256_hex(text);
}

}  // namespace pay::gateway
