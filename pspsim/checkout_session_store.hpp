// Hosted-payment-page registrations. Thread-safe (one mutex).
//
// A session is registered once per client_reference_id (the merchant's
// nonce): registering again answers the same session. It learns what its
// payment did from the intent store's events (on_intent_event), so every
// path that ends the intent (the buyer's challenge, /sim/... endpoints)
// completes the session the same way, once, and publishes
// checkout.session.completed through `publish`.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "pspsim/checkout_session.hpp"
#include "pspsim/intent_store.hpp"

namespace pay::pspsim {

constexpr std::size_t sessions_max_default = 1'000'000;

struct session_params {
  std::int64_t amount_minor = 0;
  std::string currency;
  std::string return_url;
  std::string client_reference_id;
  metadata_map metadata;
};

enum class register_status : std::uint8_t {
  created = 1,
  existing = 2,                      // same client_reference_id or key
  client_reference_id_reused = 3,    // same nonce, other amount or currency
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

class checkout_session_store {
 public:
  explicit checkout_session_store(
    std::size_t sessions_max = sessions_max_default,
    session_event_sink publish = {});

  // `page_base` is "http://host:port" as the caller reached pspsim; the
  // session's url is <page_base>/pay/<id>. An empty key is no key.
  register_result register_session(const session_params& params,
                                   std::string_view page_base,
                                   const std::string& key,
                                   const std::string& fingerprint,
                                   std::int64_t now_unix_s);

  std::optional<checkout_session> find(std::string_view id) const;
  // Keeps brand and last four digits only, for the result page.
  void note_card(std::string_view id, std::string brand, std::string last4);
  // From the intent store's hook (called under its lock).
  void on_intent_event(const intent_event& event, std::int64_t now_unix_s);
  void reset();

 private:
  const std::size_t sessions_max_;
  const session_event_sink publish_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, checkout_session> sessions_;
  std::unordered_map<std::string, std::string> by_reference_;  // nonce -> id
  struct key_entry {
    std::string fingerprint;
    std::string session_id;
  };
  std::unordered_map<std::string, key_entry> keys_;
};

}  // namespace pay::pspsim
