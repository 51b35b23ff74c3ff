// Sends Stripe-shaped events to the webhook URL, signed like Stripe
// (Stripe-Signature, domain/webhook_signature), and keeps a record of every
// event and its attempts for /sim/webhooks. Thread-safe.
//
// Delivery never blocks a server thread: publish() only records the event
// and arms a timer; attempts go out through an asynchronous client pool of
// at most `concurrency` connections. Until an attempt gets a 2xx, the event
// is retried after min(backoff_max_ms, backoff_base_ms * 2^n) ms, for as long
// as pspsim runs, so a receiver that restarts still gets everything. Each
// attempt is signed afresh with the current time, as Stripe does.
//
// An event moves through
//
//   publish --> pending --(2xx)--> delivered
//      |  |       ^  |
//      |  |       |  +--(non-2xx, no answer)--> pending again after backoff
//      |  |       |
//      |  +--> held  (webhook_reorder: released once the same object's next
//      |             event is delivered, or after reorder_hold_ms_max)
//      +--> dropped  (webhook_drop)
//
// and a duplicated event (webhook_duplicate) stays pending after its first
// 2xx until a second delivery has also been answered with a 2xx. resend()
// moves a delivered, dropped or held event back to pending.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/json/object.hpp>

#include "http/client_pool.hpp"
#include "pspsim/delay_queue.hpp"
#include "pspsim/fault_injector.hpp"
#include "pspsim/webhook_url.hpp"

namespace pay::pspsim {

constexpr std::size_t webhook_events_max_default = 1'000'000;
// Older attempts of an event are summarised by attempts_total only.
constexpr std::size_t webhook_attempts_kept_max = 20;
// A reordered event waits at most this long for a later one to overtake it.
constexpr std::chrono::milliseconds reorder_hold_ms_max{5'000};
constexpr std::uint32_t webhook_request_timeout_ms = 10'000;

struct webhook_dispatcher_options {
  webhook_url url;
  // https: deliveries speak TLS, and the receiver's certificate must verify
  // against ca_file (empty: the system's trusted CAs).
  bool tls = false;
  std::string ca_file;
  std::string secret;
  std::uint32_t backoff_base_ms = 500;
  std::uint32_t backoff_max_ms = 30'000;
  unsigned concurrency = 8;
  std::size_t events_max = webhook_events_max_default;
};

enum class resend_status : std::uint8_t {
  resent = 1,
  not_found = 2,
  already_pending = 3,  // an attempt is already scheduled or in flight
};

class webhook_dispatcher {
 public:
  // `faults` must outlive the dispatcher.
  webhook_dispatcher(webhook_dispatcher_options options,
                     fault_injector& faults);
  // Stops the timers and the pool; events not delivered yet are forgotten.
  ~webhook_dispatcher();
  webhook_dispatcher(const webhook_dispatcher&) = delete;
  webhook_dispatcher& operator=(const webhook_dispatcher&) = delete;

  // Records `type` about `object_json` (an intent or a session; object_id is
  // its id, which groups events for reordering) and starts delivering it.
  // `account`: the connected account it happened on, sent as the event's
  // top-level "account" like Stripe's Connect events; empty: the platform.
  // Returns the event id. Quick: safe to call under another component's
  // lock, never calls back into it.
  std::string publish(std::string_view type, std::string_view object_id,
                      std::string_view object_json, std::int64_t created_unix_s,
                      std::string_view account = {});

  resend_status resend(std::string_view event_id);
  // {"data":[{event record}, ...]} in publication order.
  std::string events_json() const;
  // Forgets every event; attempts still in flight are ignored when they end.
  void reset();

 private:
  enum class state : std::uint8_t {
    pending = 1,
    held = 2,
    dropped = 3,
    delivered = 4
  };
  struct attempt {
    std::int64_t at_unix_s = 0;
    unsigned http_status = 0;  // 0: no answer
    std::string error;         // why there was no answer
    std::uint32_t elapsed_ms = 0;
  };
  struct record {
    std::string id;
    std::string type;
    std::string object_id;
    std::string body;  // sent byte for byte on every attempt
    std::int64_t created_unix_s = 0;
    state current = state::pending;
    bool duplicate = false;       // webhook_duplicate hit
    bool reordered = false;       // webhook_reorder hit
    std::string drop_reason;      // "webhook_drop", "events_max"; empty
    bool duplicate_owed = false;  // the second delivery is still to come
    std::uint32_t failures_in_row = 0;
    std::uint32_t deliveries = 0;  // 2xx answers
    std::uint64_t attempts_total = 0;
    std::deque<attempt> attempts;  // the last webhook_attempts_kept_max
    std::vector<std::string> release_on_delivery;  // held events it overtook
  };

  // Assume mutex_ is held.
  void schedule(const std::string& event_id, std::chrono::milliseconds delay);
  void release_held(const std::string& event_id);
  bool make_room();
  void on_answer(const std::string& event_id, const http::send_result& result);

  void send(const std::string& event_id);  // on the timer thread
  static boost::json::object record_json(const record& r);

  const webhook_dispatcher_options options_;
  fault_injector& faults_;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::unordered_map<std::string, record> events_;
  std::deque<std::string> order_;  // publication order
  // Held (reordered) event ids by object id.
  std::unordered_map<std::string, std::vector<std::string>> held_by_object_;
  // Declared last: destroyed first, so no timer or answer outlives the state.
  http::client_pool pool_;
  delay_queue timers_;
};

}  // namespace pay::pspsim
