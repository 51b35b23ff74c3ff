// Refunds of succeeded payment intents (POST /v1/refunds), their
// idempotency keys, how they end, and what they settle. Thread-safe.
//
//   created --> succeeded                       (at once: the default)
//          \--> pending --(delay)--> succeeded  (--refund-pending-ms > 0, or
//                                                pm_card_pendingRefund)
//          \--> succeeded --(delay)--> failed   (pm_card_refundFail: Stripe
//                                                answers succeeded, then fails)
//
// A change after creation publishes refund.updated and charge.refund.updated
// (data.object: the refund); hooks.wake_after asks the owner to call
// settle() when a refund is due, so the change happens even if nobody
// looks. A refund settles (is listed in settlement files and balance
// transactions) when it becomes succeeded for good; a failed one gives its
// amount back to the intent.
//
// One mutex serialises every refund, so the check "amount <= what is left
// of the intent" and the recording of the refund are one step: concurrent
// refunds can never together exceed the intent's amount. Lock order: this
// store's mutex, then the intent store's (never the other way round).
#pragma once

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

#include "pspsim/idempotency_window.hpp"
#include "pspsim/intent.hpp"
#include "pspsim/intent_store.hpp"
#include "pspsim/sim_time.hpp"
#include "pspsim/stripe_list.hpp"

namespace pay::pspsim {

// Stripe's reasons.
constexpr std::string_view refund_reasons[] = {"duplicate", "fraudulent",
                                               "requested_by_customer"};
// How long the refund test cards take when --refund-pending-ms is 0.
constexpr std::chrono::milliseconds refund_test_card_delay_default{1000};
// Stripe's failure_reason for pm_card_refundFail.
constexpr std::string_view refund_card_failure_reason =
  "expired_or_canceled_card";

struct refund_params {
  std::string payment_intent;
  std::optional<std::int64_t> amount_minor;  // none: the rest of the intent
  std::optional<std::string> reason;
  metadata_map metadata;
};

enum class refund_state : std::uint8_t {
  pending = 1,
  succeeded = 2,
  failed = 3
};

std::string_view to_string(refund_state state);

struct refund_record {
  std::string id;  // "re_..."
  std::int64_t amount_minor = 0;
  std::string currency;  // lowercase, the intent's
  std::string payment_intent;
  std::string charge;  // the intent's "ch_..."
  std::optional<std::string> reason;
  metadata_map metadata;
  std::int64_t created_unix_s = 0;
  refund_state state = refund_state::succeeded;
  std::string failure_reason;       // set when failed
  std::int64_t settled_unix_s = 0;  // when it became succeeded for good
  refund_behaviour ends = refund_behaviour::normal;
  std::string idempotency_key;
};

enum class refund_status : std::uint8_t {
  created = 1,
  replayed = 2,
  key_reused_with_other_params = 3,
  intent_not_found = 4,
  not_refundable = 5,    // the intent has not succeeded (or not captured)
  amount_too_large = 6,  // more than what is left
  already_refunded = 7,  // nothing left and no amount given
  amount_invalid = 8,    // a three-decimal amount not ending in 0
};

struct refund_result {
  refund_status status = refund_status::created;
  std::string body;             // created, replayed
  std::int64_t left_minor = 0;  // amount_too_large, already_refunded
  std::string currency;         // amount_invalid: the intent's
  // not_refundable: the intent's status, for the message.
  intent_status intent_state = intent_status::processing;
};

// GET /v1/refunds: the filters (empty: none) and the page.
struct refund_list_query {
  std::string payment_intent;
  std::string charge;
  page_query page;
};

enum class refund_list_status : std::uint8_t {
  listed = 1,
  intent_not_found = 2,  // payment_intent names no intent
  charge_not_found = 3,  // charge names no charge
  cursor_not_found = 4,  // starting_after / ending_before names no refund
};

struct refund_list_result {
  refund_list_status status = refund_list_status::listed;
  boost::json::array data;  // each refund as find_json renders it
  bool has_more = false;
};

struct refund_store_config {
  // Every refund of an ordinary card stays pending this long (0: succeeds
  // at once).
  std::chrono::milliseconds pending_delay{0};
  // How long the refund test cards take to reach their end.
  std::chrono::milliseconds test_card_delay = refund_test_card_delay_default;
  std::int64_t key_ttl_s = idempotency_key_ttl_s_default;
};

struct refund_store_hooks {
  // type, refund id, refund JSON, unix_s. Called with the store's lock
  // held: must be quick, never call back.
  std::function<void(std::string_view, std::string_view, std::string_view,
                     std::int64_t)>
    on_event;
  std::function<void(std::chrono::milliseconds)> wake_after;
};

class refund_store {
 public:
  explicit refund_store(intent_store& intents, refund_store_config config = {},
                        refund_store_hooks hooks = {});

  refund_result create(const refund_params& params, const std::string& key,
                       const std::string& fingerprint, const sim_time& now);
  std::optional<std::string> find_json(std::string_view id,
                                       const sim_time& now);
  // Refunds newest first (created, then id, descending), filtered by
  // intent and/or charge, paged as Stripe pages lists.
  refund_list_result list(const refund_list_query& q, const sim_time& now);
  // Refunds that became succeeded for good in [from_unix_s, to_unix_s), in
  // creation order.
  std::vector<refund_record> settled_between(std::int64_t from_unix_s,
                                             std::int64_t to_unix_s,
                                             const sim_time& now);
  // Resolves whatever is due; the owner's timer calls it.
  void settle(const sim_time& now);
  // GET /sim/refunds: every refund in creation order, each with the
  // Idempotency-Key it was created under (tests count them per key).
  std::string list_json(const sim_time& now);
  // Every POST /v1/refunds received, whatever became of it (faults too).
  void note_post(std::string_view idempotency_key);
  // GET /sim/refund_counts: {"posts_by_idempotency_key":{key:n},
  // "posts_without_key":n,"refunds_by_payment_intent":{pi:n}}.
  std::string counts_json() const;
  void reset();

 private:
  struct key_entry {
    std::string fingerprint;
    std::string body;
    std::int64_t first_used_unix_s = 0;
  };
  struct due_entry {
    std::string refund_id;
    std::int64_t due_unix_s = 0;
  };
  using due_map =
    std::multimap<std::chrono::steady_clock::time_point, due_entry>;

  // mutex_ held.
  void settle_due(const sim_time& now);
  void schedule(const refund_record& r, std::chrono::milliseconds delay,
                const sim_time& now);
  void publish(const refund_record& r, std::int64_t unix_s);

  intent_store& intents_;
  const refund_store_config config_;
  const refund_store_hooks hooks_;
  mutable std::mutex mutex_;
  std::vector<refund_record> refunds_;  // creation order
  std::unordered_map<std::string, std::size_t> by_id_;
  // (created, id) of every refund, and of each intent's: the list order.
  newest_first order_;
  std::unordered_map<std::string, newest_first> order_by_intent_;
  // The charge of every refunded intent (a charge belongs to one intent).
  std::unordered_map<std::string, std::string> intent_by_charge_;
  std::unordered_map<std::string, std::int64_t> refunded_by_intent_;
  std::unordered_map<std::string, key_entry> keys_;
  due_map due_;
  std::map<std::string, std::uint64_t> posts_by_key_;
  std::uint64_t posts_without_key_ = 0;
  std::map<std::string, std::uint64_t> refunds_by_intent_;
};

}  // namespace pay::pspsim
