#include "pspsim/stored_answers.hpp"

namespace pay::pspsim {

key_found stored_answers::find(const std::string& key,
                               const std::string& fingerprint,
                               std::int64_t now_unix_s) {
  if (key.empty()) return {};
  const auto it = entries_.find(key);
  if (it == entries_.end()) return {};
  if (key_expired(it->second.first_used_unix_s, now_unix_s, ttl_s_)) {
    entries_.erase(it);
    return {};
  }
  if (it->second.fingerprint != fingerprint) {
    return {key_lookup::conflict, {}};
  }
  return {key_lookup::replay, it->second.body};
}

void stored_answers::store(const std::string& key, std::string fingerprint,
                           std::string body, std::int64_t now_unix_s) {
  if (key.empty()) return;
  entries_[key] = entry{std::move(fingerprint), std::move(body), now_unix_s};
}

}  // namespace pay::pspsim
