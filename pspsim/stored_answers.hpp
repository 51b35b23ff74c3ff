// The answers stored under Idempotency-Keys for one kind of object: a key
// seen with the same parameters replays its answer, with others it is a
// conflict, and after ttl_s (simulated clock) it is forgotten. Not
// thread-safe: its owner's lock guards it.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

#include "pspsim/idempotency_window.hpp"

namespace pay::pspsim {

enum class key_lookup : std::uint8_t {
  unseen = 1,    // new, or expired: create
  replay = 2,    // same parameters: answer `body` again
  conflict = 3,  // other parameters: idempotency_key_reused
};

struct key_found {
  key_lookup kind = key_lookup::unseen;
  std::string body;  // replay
};

class stored_answers {
 public:
  explicit stored_answers(std::int64_t ttl_s = idempotency_key_ttl_s_default)
      : ttl_s_(ttl_s) {}

  // An empty key is always unseen.
  key_found find(const std::string& key, const std::string& fingerprint,
                 std::int64_t now_unix_s);
  void store(const std::string& key, std::string fingerprint, std::string body,
             std::int64_t now_unix_s);
  void clear() { entries_.clear(); }

 private:
  struct entry {
    std::string fingerprint;
    std::string body;
    std::int64_t first_used_unix_s = 0;
  };
  const std::int64_t ttl_s_;
  std::unordered_map<std::string, entry> entries_;
};

}  // namespace pay::pspsim
