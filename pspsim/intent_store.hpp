// The simulator's memory: payment intents, the charges behind them and the
// idempotency keys that produced them. Thread-safe.
//
// One mutex guards everything. Creating an intent (validation is done before)
// takes a few microseconds, so holding the lock across the whole
// check-key / create / store-reply step is cheap, and it is what makes
// concurrent requests with one Idempotency-Key safe: the second waits for
// the first and then replays its stored reply. No request ever charges twice.
//
// pm_card_processing intents settle lazily: every operation first settles
// the intents whose delay has passed (oldest first), so anything observed
// after the delay already shows them succeeded and charged.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "pspsim/create_params.hpp"
#include "pspsim/intent.hpp"
#include "pspsim/sim_time.hpp"

namespace pay::pspsim {

constexpr std::size_t intents_max_default = 2'000'000;

enum class create_status : std::uint8_t {
  created = 1,
  replayed = 2,                     // same key, same parameters
  key_reused_with_other_params = 3, // same key, different parameters
  intents_exhausted = 4,            // intents_max reached; nothing stored
};

struct create_result {
  create_status status = create_status::created;
  unsigned http_status = 200;  // for created and replayed
  std::string body;            // for created and replayed
};

struct store_stats {
  std::uint64_t requests = 0;  // /v1 requests seen, answered or not
  std::uint64_t intents = 0;
  std::uint64_t charges = 0;
  std::uint64_t declines = 0;
  std::uint64_t replays = 0;
  std::uint64_t idempotency_conflicts = 0;
  std::uint64_t processing = 0;  // intents waiting to settle
};

class intent_store {
 public:
  intent_store(std::size_t intents_max, std::chrono::milliseconds processing_delay);

  // `fingerprint` identifies the request's parameters; a key seen before with
  // a different fingerprint is refused. An empty key is no key.
  create_result create(const create_params& params, const std::string& key,
                       const std::string& fingerprint, const sim_time& now);

  // The intent's current JSON, or nullopt for an unknown id.
  std::optional<std::string> find_json(std::string_view id, const sim_time& now);

  std::string charges_json(const sim_time& now);
  // {"<key>": <charges made under it>, ...}
  std::string idempotency_keys_json(const sim_time& now);
  store_stats stats(const sim_time& now);
  // Counted outside the lock: every /v1 request, whatever its outcome.
  void note_request() { requests_.fetch_add(1, std::memory_order_relaxed); }
  void reset();

 private:
  struct key_entry {
    std::string fingerprint;
    unsigned http_status = 0;
    std::string body;  // the reply, replayed byte for byte
    std::uint32_t charges = 0;
  };
  struct pending_settlement {
    std::string intent_id;
    std::chrono::steady_clock::time_point due;
  };

  // All private members below assume mutex_ is held.
  void settle_due(const sim_time& now);
  void record_charge(payment_intent& intent, std::int64_t created_unix_s);
  std::string unused_intent_id() const;

  const std::size_t intents_max_;
  const std::chrono::milliseconds processing_delay_;
  std::mutex mutex_;
  std::unordered_map<std::string, payment_intent> intents_;
  std::unordered_map<std::string, key_entry> keys_;
  std::vector<charge_record> charges_;
  // Equal delays make creation order the settlement order: a FIFO suffices.
  std::deque<pending_settlement> pending_;
  store_stats stats_;
  std::atomic<std::uint64_t> requests_{0};
};

}  // namespace pay::pspsim
