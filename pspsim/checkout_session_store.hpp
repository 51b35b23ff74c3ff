// Hosted-payment-page registrations. Thread-safe (one mutex).
//
// Like Stripe, each registration is a new session unless it repeats an
// Idempotency-Key (within its lifetime); client_reference_id is only
// echoed. A session learns what its payments did from the intent store's
// events (on_intent_event), so every path that ends an intent (the buyer's
// challenge, /sim/... endpoints) moves the session the same way: a success
// completes it once and publishes checkout.session.completed; a failure
// leaves it open for another card. An open session nobody paid expires
// expiry_s after creation (simulated clock) and publishes
// checkout.session.expired.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "pspsim/checkout_session.hpp"
#include "pspsim/idempotency_window.hpp"
#include "pspsim/intent_store.hpp"

namespace pay::pspsim {

constexpr std::size_t sessions_max_default = 1'000'000;

struct session_params {
  std::int64_t amount_minor = 0;  // sum of unit_amount x quantity
  std::string currency;           // lowercase, every line's
  std::vector<line_item> line_items;
  std::string success_url;
  std::string cancel_url;
  std::optional<std::string> client_reference_id;
  std::optional<std::string> customer_email;
  metadata_map metadata;
  metadata_map intent_metadata;
  std::optional<std::string> intent_description;
};

enum class register_status : std::uint8_t {
  created = 1,
  existing = 2,                      // same Idempotency-Key, same parameters
  key_reused_with_other_params = 4,  // same Idempotency-Key, other parameters
  sessions_exhausted = 5,
};

struct register_result {
  register_status status = register_status::created;
  std::optional<checkout_session> session;  // for created and existing
};

// (type, object id, object JSON, unix seconds): the webhook dispatcher.
using session_event_sink = std::function<void(
  std::string_view, std::string_view, std::string_view, std::int64_t)>;

struct session_store_config {
  std::size_t sessions_max = sessions_max_default;
  std::int64_t expiry_s = session_expiry_s_default;
  std::int64_t key_ttl_s = idempotency_key_ttl_s_default;
};

class checkout_session_store {
 public:
  explicit checkout_session_store(session_store_config config = {},
                                  session_event_sink publish = {});

  // `page_base` is "http://host:port" as the caller reached pspsim; the
  // session's url is <page_base>/pay/<id>. An empty key is no key.
  register_result register_session(const session_params& params,
                                   std::string_view page_base,
                                   const std::string& key,
                                   const std::string& fingerprint,
                                   std::int64_t now_unix_s);

  // The session as it is at now_unix_s (expired if its time has come).
  std::optional<checkout_session> find(std::string_view id,
                                       std::int64_t now_unix_s);
  // Keeps brand and last four digits only, for the result page.
  void note_card(std::string_view id, std::string brand, std::string last4);
  // From the intent store's hook (called under its lock).
  void on_intent_event(const intent_event& event, std::int64_t now_unix_s);
  // Expires the open sessions whose time has come; a timer calls it.
  void expire_due(std::int64_t now_unix_s);
  void reset();

 private:
  // mutex_ held.
  void expire_due_locked(std::int64_t now_unix_s);

  const session_store_config config_;
  const session_event_sink publish_;
  std::mutex mutex_;
  std::unordered_map<std::string, checkout_session> sessions_;
  struct key_entry {
    std::string fingerprint;
    std::string session_id;
    std::int64_t first_used_unix_s = 0;
  };
  std::unordered_map<std::string, key_entry> keys_;
  // Open sessions by expiry; completed ones are skipped when their turn
  // comes.
  std::multimap<std::int64_t, std::string> expiring_;
};

}  // namespace pay::pspsim
