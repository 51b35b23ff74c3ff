// The simulator's memory: payment intents, the charges behind them and the
// idempotency keys that produced them. Thread-safe.
//
// One mutex guards everything. Creating an intent (validation is done before)
// takes a few microseconds, so holding the lock across the whole
// check-key / create / store-reply step is cheap, and it is what makes
// concurrent requests with one Idempotency-Key safe: the second waits for
// the first and then replays its stored reply. No request ever charges twice.
//
// Pending intents (pm_card_processing, pm_card_threeDSecureRequired,
// pm_card_review) resolve when their delay has passed: every operation first
// settles the intents that are due (earliest first), so anything observed
// after the delay already shows them final; and hooks.wake_after asks the
// owner to call settle() at the due time, so that the state change (and its
// webhook) happens even when nobody looks.
//
// Every state change is reported to hooks.on_event while the lock is held,
// in the order it happened. The hook must be quick and must never call back
// into the store.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "pspsim/create_params.hpp"
#include "pspsim/idempotency_window.hpp"
#include "pspsim/intent.hpp"
#include "pspsim/sim_time.hpp"
#include "pspsim/stripe_list.hpp"

namespace pay::pspsim {

constexpr std::size_t intents_max_default = 2'000'000;

enum class create_status : std::uint8_t {
  created = 1,
  replayed = 2,                      // same key, same parameters
  key_reused_with_other_params = 3,  // same key, different parameters
  intents_exhausted = 4,             // intents_max reached; nothing stored
};

struct create_result {
  create_status status = create_status::created;
  unsigned http_status = 200;  // for created and replayed
  std::string body;            // for created and replayed
  std::string intent_id;       // for created and replayed
};

// One state change of an intent: created (in any state) or resolved.
struct intent_event {
  std::string type;  // "payment_intent.succeeded", ...
  std::string intent_id;
  std::string checkout_session;  // empty unless paid on the hosted page
  intent_status status = intent_status::processing;
  std::string failure_code;  // requires_payment_method: decline_code or code
  std::string intent_json;   // the intent as it is right after the change
};

// How pending test cards resolve without help.
struct pending_config {
  std::chrono::milliseconds three_ds_delay{2000};
  bool three_ds_succeeds = true;
  std::chrono::milliseconds review_delay{3000};
};

struct intent_store_hooks {
  std::function<void(const intent_event&)> on_event;
  std::function<void(std::chrono::milliseconds)> wake_after;
};

// The answer to a manual resolution (/sim/..., the 3-D Secure challenge).
enum class resolve_status : std::uint8_t {
  resolved = 1,
  not_found = 2,
  not_pending = 3,  // final already, or waiting for something else
};

struct resolve_result {
  resolve_status status = resolve_status::not_found;
  std::string intent_json;  // for resolved and not_pending
};

// What refunds and settlement files need to know about an intent.
struct intent_view {
  std::string id;
  intent_status status = intent_status::processing;
  std::int64_t amount_minor = 0;
  std::string currency;         // lowercase
  std::string idempotency_key;  // empty when none
  std::string latest_charge;    // "ch_..." once succeeded
  refund_behaviour refunds = refund_behaviour::normal;
  metadata_map metadata;
};

// A charge with what the balance transactions expand it to.
struct settled_charge {
  charge_record charge;
  metadata_map metadata;  // the intent's
};

// One page of GET /v1/payment_intents.
struct intent_list_result {
  bool cursor_found = true;  // false: the cursor names no intent
  boost::json::array data;   // each intent as find_json renders it
  bool has_more = false;
};

struct store_stats {
  std::uint64_t requests = 0;  // /v1 requests seen, answered or not
  std::uint64_t intents = 0;
  std::uint64_t charges = 0;
  std::uint64_t declines = 0;
  std::uint64_t replays = 0;
  std::uint64_t idempotency_conflicts = 0;
  std::uint64_t processing =
    0;  // intents not final yet (processing, requires_action)
};

class intent_store {
 public:
  intent_store(std::size_t intents_max,
               std::chrono::milliseconds processing_delay,
               pending_config pending = {}, intent_store_hooks hooks = {},
               std::int64_t key_ttl_s = idempotency_key_ttl_s_default);

  // `fingerprint` identifies the request's parameters; a key seen before with
  // a different fingerprint is refused. An empty key is no key. A key first
  // used key_ttl_s or more ago (simulated clock) is forgotten: the request
  // creates a new intent, as with Stripe.
  create_result create(const create_params& params, const std::string& key,
                       const std::string& fingerprint, const sim_time& now);

  // The intent's current JSON, or nullopt for an unknown id.
  std::optional<std::string> find_json(std::string_view id,
                                       const sim_time& now);
  // The intent as it is now.
  std::optional<payment_intent> find(std::string_view id, const sim_time& now);
  // The buyer opened the 3-D Secure page of a requires_action intent: from
  // now on they decide, so its --three-ds-ms timer is cancelled. Returns
  // the intent as it is now.
  std::optional<payment_intent> hold_for_buyer(std::string_view id,
                                               const sim_time& now);

  // Ends a requires_action intent: succeeded (with its charge) or
  // requires_payment_method (authentication failed).
  resolve_result complete_action(std::string_view id, bool succeed,
                                 const sim_time& now);
  // Ends a processing intent under review: approved is succeeded,
  // rejected is requires_payment_method (declined as fraudulent).
  resolve_result finish_review(std::string_view id, bool approve,
                               const sim_time& now);
  // Resolves whatever is due; the owner's timer calls it (see wake_after).
  void settle(const sim_time& now);

  std::optional<intent_view> view(std::string_view id, const sim_time& now);
  // Every intent, newest first (created, then id, descending), paged as
  // Stripe pages lists.
  intent_list_result list(const page_query& q, const sim_time& now);
  // The intent a charge ("ch_...") belongs to; nullopt for an unknown
  // charge. Scans every charge: for the rare GET /v1/refunds?charge=.
  std::optional<std::string> intent_of_charge(std::string_view charge_id,
                                              const sim_time& now);
  // Charges whose intent succeeded in [from_unix_s, to_unix_s): a charge's
  // `created` is the moment its intent succeeded (for a delayed intent, the
  // end of its delay, not when someone looked).
  std::vector<settled_charge> charges_between(std::int64_t from_unix_s,
                                              std::int64_t to_unix_s,
                                              const sim_time& now);
  // For the settlement file's status_mismatch: an intent still processing
  // or waiting for an action succeeds now, with its charge but without any
  // event (no webhook), so asking the API answers succeeded. Returns the
  // intent as it was before; nullopt for an unknown id.
  std::optional<intent_view> succeed_silently_if_pending(std::string_view id,
                                                         const sim_time& now);

  std::string charges_json(const sim_time& now);
  // {"<key>": <charges made under it>, ...}: more than 1 only when a key
  // was used again after it expired (a second object, as with Stripe).
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
    std::string intent_id;
    std::int64_t first_used_unix_s = 0;
  };
  struct pending_entry {
    std::string intent_id;
    std::int64_t due_unix_s = 0;  // the settled charge's `created`
  };
  using due_map =
    std::multimap<std::chrono::steady_clock::time_point, pending_entry>;

  // All private members below assume mutex_ is held.
  void settle_due(const sim_time& now);
  void start_pending(payment_intent& intent, card_outcome outcome,
                     bool buyer_completes_action, const sim_time& now);
  void succeed(payment_intent& intent, std::int64_t created_unix_s);
  void fail(payment_intent& intent, payment_error error);
  void unschedule(const std::string& intent_id);
  void record_charge(payment_intent& intent, std::int64_t created_unix_s);
  void emit(const payment_intent& intent);
  resolve_result resolve(std::string_view id, pending_kind expected,
                         bool succeed, const sim_time& now);
  std::string unused_intent_id() const;

  const std::size_t intents_max_;
  const std::chrono::milliseconds processing_delay_;
  const pending_config pending_config_;
  const intent_store_hooks hooks_;
  const std::int64_t key_ttl_s_;
  std::mutex mutex_;
  std::unordered_map<std::string, payment_intent> intents_;
  // (created, id) of every intent: the list order.
  newest_first order_;
  std::unordered_map<std::string, key_entry> keys_;
  // Charges per recorded key, across key expiries (0: an intent was
  // created under the key but never charged).
  std::unordered_map<std::string, std::uint32_t> charges_by_key_;
  std::vector<charge_record> charges_;
  // Pending intents by due time; the iterator lets a manual resolution
  // take its intent out of the schedule.
  due_map due_;
  std::unordered_map<std::string, due_map::iterator> due_by_intent_;
  std::size_t pending_count_ = 0;  // intents not final yet
  store_stats stats_;
  std::atomic<std::uint64_t> requests_{0};
};

}  // namespace pay::pspsim
