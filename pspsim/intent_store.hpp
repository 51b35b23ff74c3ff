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
// Manual capture: an authorized intent waits in requires_capture until it
// is captured (in full or in part: the rest is released) or canceled; one
// nobody captures within capture_window_s, and one left in requires_action
// for action_expiry_s, is canceled by the store (simulated clock, like
// session expiry): cancellation_reason automatic, resp. abandoned. Every
// operation first resolves what is due, in the order it fell due.
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

#include <boost/json/object.hpp>

#include "pspsim/create_params.hpp"
#include "pspsim/idempotency_window.hpp"
#include "pspsim/intent.hpp"
#include "pspsim/sim_time.hpp"
#include "pspsim/stripe_list.hpp"

namespace pay::pspsim {

constexpr std::size_t intents_max_default = 2'000'000;
// Stripe releases an uncaptured card authorization after 7 days.
constexpr std::int64_t capture_window_s_default = 604'800;
// How long pspsim lets a 3-D Secure challenge nobody answers wait.
constexpr std::int64_t action_expiry_s_default = 86'400;
// Stripe's cancellation_reason values a request may give ("automatic" is
// Stripe's own, for an authorization that expired).
constexpr std::string_view cancellation_reasons[] = {"duplicate", "fraudulent",
                                                     "requested_by_customer",
                                                     "abandoned"};

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
  // requires_payment_method: decline_code or code; canceled: the
  // cancellation_reason.
  std::string failure_code;
  // The intent as it is right after the change (empty unless the hooks'
  // events_carry_json).
  std::string intent_json;
};

// How waiting intents resolve without help: pending test cards after
// their delays (steady clock), uncaptured and unauthenticated intents by
// expiring (simulated unix seconds).
struct pending_config {
  std::chrono::milliseconds three_ds_delay{2000};
  bool three_ds_succeeds = true;
  std::chrono::milliseconds review_delay{3000};
  std::int64_t capture_window_s = capture_window_s_default;
  std::int64_t action_expiry_s = action_expiry_s_default;
};

struct intent_store_hooks {
  std::function<void(const intent_event&)> on_event;
  std::function<void(std::chrono::milliseconds)> wake_after;
  // Whether on_event needs intent_json. Rendering the intent for every
  // change was a seventh of pspsim's CPU under load when no webhook
  // endpoint is configured to send it to.
  bool events_carry_json = true;
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

// POST /v1/payment_intents/{id}/capture and /cancel.
enum class action_status : std::uint8_t {
  done = 1,
  replayed = 2,                      // same key, same parameters
  key_reused_with_other_params = 3,  // same key, different parameters
  not_found = 4,
  unexpected_state = 5,     // the intent's status does not allow it
  amount_out_of_range = 6,  // amount_to_capture above amount_capturable
  amount_invalid = 7,       // a three-decimal amount not ending in 0
};

struct action_result {
  action_status status = action_status::done;
  std::string body;  // done and replayed: the intent (200)
  // unexpected_state: the intent, for the error's payment_intent, and its
  // status for the message.
  boost::json::object intent;
  intent_status intent_state = intent_status::processing;
  std::int64_t capturable_minor = 0;  // amount_out_of_range
  std::string currency;               // amount_invalid
};

struct capture_request {
  std::optional<std::int64_t> amount_minor;  // none: all that is capturable
  bool expand_charge = false;
};

struct cancel_request {
  std::string reason;  // empty: none (null)
  bool expand_charge = false;
};

// What refunds and settlement files need to know about an intent.
struct intent_view {
  std::string id;
  intent_status status = intent_status::processing;
  std::int64_t amount_minor = 0;
  std::int64_t amount_received_minor = 0;  // what was captured
  std::string currency;                    // lowercase
  std::string idempotency_key;             // empty when none
  std::string latest_charge;               // "ch_..." once succeeded
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
  // Manual capture.
  std::uint64_t authorizations = 0;    // intents that reached requires_capture
  std::uint64_t captures = 0;          // captures by POST .../capture
  std::int64_t captured_minor = 0;     // their sum, all currencies together
  std::uint64_t captures_refused = 0;  // captures of an intent not capturable
  // Captures applied to an intent captured before: the refusal above makes
  // it impossible, so this must stay 0.
  std::uint64_t double_captures = 0;
  std::uint64_t cancels = 0;             // by POST .../cancel
  std::uint64_t automatic_expiries = 0;  // uncaptured past the window
  std::uint64_t abandoned_expiries = 0;  // left in requires_action
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
  std::optional<std::string> find_json(std::string_view id, const sim_time& now,
                                       bool expand_charge = false);
  // GET /sim/payment_intents/{id}: authorized, captured, released amounts.
  std::optional<std::string> money_json(std::string_view id,
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

  // Captures a requires_capture intent (in intent_store_capture.cpp), in
  // full or in part; the rest of the authorization is released. Keys as
  // for create; only a capture that happened is stored under its key.
  action_result capture(std::string_view id, const capture_request& request,
                        const std::string& key, const std::string& fingerprint,
                        const sim_time& now);
  // Cancels an intent that is not final (requires_payment_method,
  // requires_action, requires_capture); nothing is charged.
  action_result cancel(std::string_view id, const cancel_request& request,
                       const std::string& key, const std::string& fingerprint,
                       const sim_time& now);

  std::optional<intent_view> view(std::string_view id, const sim_time& now);
  // Every intent, newest first (created, then id, descending), paged as
  // Stripe pages lists.
  intent_list_result list(const page_query& q, const sim_time& now);
  // The intent a charge ("ch_...") belongs to; nullopt for an unknown
  // charge. Scans every charge: for the rare GET /v1/refunds?charge=.
  std::optional<std::string> intent_of_charge(std::string_view charge_id,
                                              const sim_time& now);
  // Charges captured in [from_unix_s, to_unix_s): an automatic charge is
  // captured the moment its intent succeeded (for a delayed intent, the end
  // of its delay, not when someone looked), a manual one when captured.
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
  enum class expiry_kind : std::uint8_t {
    uncaptured = 1,  // requires_capture past capture_window_s
    action = 2,      // requires_action past action_expiry_s
  };
  struct expiry_entry {
    std::string intent_id;
    expiry_kind kind = expiry_kind::uncaptured;
  };
  enum class key_lookup : std::uint8_t { fresh = 1, replay = 2, conflict = 3 };

  // All private members below assume mutex_ is held.
  void settle_due(const sim_time& now);
  // Forgets `key` if it expired, then finds it; replay sets *entry.
  key_lookup look_up_key(const std::string& key, const std::string& fingerprint,
                         const sim_time& now, const key_entry** entry);
  // The answer to a capture or cancel that changed the intent: its event
  // goes out, and the intent is the answer, kept under the Idempotency-Key.
  action_result acted(const payment_intent& intent, bool expand_charge,
                      const std::string& key, const std::string& fingerprint,
                      const sim_time& now);
  void resolve_first_pending();
  void expire_first(const sim_time& now);
  void capture_locked(payment_intent& intent, std::int64_t amount_minor,
                      std::int64_t unix_s);
  void cancel_locked(payment_intent& intent, std::string reason,
                     std::int64_t unix_s);
  action_result unexpected_state(const payment_intent& intent,
                                 bool expand_charge) const;
  // The intent a capture or cancel acts on (pending intents settled first),
  // once its Idempotency-Key is new and the intent exists; else null, and `instead` is the answer (the key
  // reused with other parameters, a replay of its first answer, not found).
  payment_intent* acted_on(std::string_view id, const std::string& key,
                           const std::string& fingerprint, const sim_time& now,
                           action_result& instead);
  void start_pending(payment_intent& intent, card_outcome outcome,
                     bool buyer_completes_action, const sim_time& now);
  void succeed(payment_intent& intent, std::int64_t created_unix_s);
  void fail(payment_intent& intent, payment_error error);
  void unschedule(const std::string& intent_id);
  // Authorizes the card: captured at once, or (manual) requires_capture.
  void record_charge(payment_intent& intent, std::int64_t created_unix_s);
  // A declined card: the failed charge only the intent shows.
  void record_failed_charge(payment_intent& intent, std::int64_t unix_s);
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
  // The index in charges_ of each manual intent's charge, for its capture.
  std::unordered_map<std::string, std::size_t> charge_index_;
  // requires_capture and requires_action intents by when they expire
  // (simulated unix seconds); ones that moved on are skipped.
  std::multimap<std::int64_t, expiry_entry> expiring_;
  // Pending intents by due time; the iterator lets a manual resolution
  // take its intent out of the schedule.
  due_map due_;
  std::unordered_map<std::string, due_map::iterator> due_by_intent_;
  std::size_t pending_count_ = 0;  // intents not final yet
  store_stats stats_;
  std::atomic<std::uint64_t> requests_{0};
};

}  // namespace pay::pspsim
