// Refunds of succeeded payment intents (POST /v1/refunds), their
// idempotency keys, and what they settle. Thread-safe.
//
// One mutex serialises every refund, so the check "amount <= what is left
// of the intent" and the recording of the refund are one step: concurrent
// refunds can never together exceed the intent's amount. Lock order: this
// store's mutex, then the intent store's (never the other way round).
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "pspsim/intent.hpp"
#include "pspsim/intent_store.hpp"
#include "pspsim/sim_time.hpp"

namespace pay::pspsim {

constexpr std::size_t refund_reason_chars_max = 500;

struct refund_params {
  std::string payment_intent;
  std::optional<std::int64_t> amount_minor;  // none: the rest of the intent
  std::optional<std::string> reason;
  metadata_map metadata;
};

struct refund_record {
  std::string id;  // "re_..."
  std::int64_t amount_minor = 0;
  std::string currency;  // lowercase, the intent's
  std::string payment_intent;
  std::optional<std::string> reason;
  metadata_map metadata;
  std::int64_t created_unix_s = 0;  // refunds succeed at once: also settled
  std::string idempotency_key;
};

enum class refund_status : std::uint8_t {
  created = 1,
  replayed = 2,
  key_reused_with_other_params = 3,
  intent_not_found = 4,
  not_refundable = 5,    // the intent has not succeeded
  amount_too_large = 6,  // more than what is left
  already_refunded = 7,  // nothing left and no amount given
};

struct refund_result {
  refund_status status = refund_status::created;
  std::string body;             // created, replayed
  std::int64_t left_minor = 0;  // amount_too_large, already_refunded
};

class refund_store {
 public:
  explicit refund_store(intent_store& intents) : intents_(intents) {}

  refund_result create(const refund_params& params, const std::string& key,
                       const std::string& fingerprint, const sim_time& now);
  std::optional<std::string> find_json(std::string_view id) const;
  // Refunds created in [from_unix_s, to_unix_s), in creation order.
  std::vector<refund_record> between(std::int64_t from_unix_s,
                                     std::int64_t to_unix_s) const;
  // GET /sim/refunds: every refund in creation order, each with the
  // Idempotency-Key it was created under (tests count them per key).
  std::string list_json() const;
  void reset();

 private:
  struct key_entry {
    std::string fingerprint;
    std::string body;
  };

  intent_store& intents_;
  mutable std::mutex mutex_;
  std::vector<refund_record> refunds_;  // creation order
  std::unordered_map<std::string, std::size_t> by_id_;
  std::unordered_map<std::string, std::int64_t> refunded_by_intent_;
  std::unordered_map<std::string, key_entry> keys_;
};

}  // namespace pay::pspsim
