// Payouts to seller accounts (POST /v1/payouts), their idempotency keys and
// what they settle. Thread-safe.
//
//   created --> pending --(payout_ms later)--> paid
//                  |  \--(payout_ms later, destination acct_closed*)--> failed
//                  +--(POST /sim/payouts/{id}/fail)--> failed
//
// Like pending intents, a pending payout resolves when its delay has passed:
// every operation first settles what is due, and hooks.wake_after asks the
// owner to call settle() at the due time, so the payout.paid / payout.failed
// event goes out even if nobody looks. A payout resolved late is still paid
// at its due time (that is the time it settles on).
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
#include "pspsim/sim_time.hpp"
#include "pspsim/stripe_list.hpp"

namespace pay::pspsim {

constexpr std::uint32_t payout_ms_default = 500;
constexpr std::size_t destination_chars_max = 255;
// A destination starting with this fails with failure_code account_closed.
constexpr std::string_view closed_account_prefix = "acct_closed";
// Test value: a connected account whose e-mail starts with this has a closed
// bank account, so its own pay-outs fail with account_closed too.
constexpr std::string_view closed_bank_email_prefix = "closed";

enum class payout_state : std::uint8_t { pending = 1, paid = 2, failed = 3 };

std::string_view to_string(payout_state state);

struct payout_params {
  std::int64_t amount_minor = 0;
  std::string currency;     // lowercase
  std::string destination;  // may be empty for a connected account's
  // The connected account (Stripe-Account header) whose own balance pays;
  // empty: the platform's pay-out.
  std::string account;
  bool bank_closed = false;  // the account's bank account is closed
  std::optional<std::string> description;
  metadata_map metadata;
};

struct payout_record {
  std::string id;  // "po_..."
  std::int64_t amount_minor = 0;
  std::string currency;
  std::string destination;
  std::string account;  // empty: the platform's
  bool bank_closed = false;
  std::optional<std::string> description;
  metadata_map metadata;
  payout_state state = payout_state::pending;
  std::string failure_code;  // empty unless failed
  std::int64_t created_unix_s = 0;
  std::int64_t resolved_unix_s = 0;  // paid or failed at; 0 while pending
  std::string idempotency_key;
  std::string fee_reference;  // "fee_...", set when paid
};

enum class payout_create_status : std::uint8_t {
  created = 1,
  replayed = 2,
  key_reused_with_other_params = 3,
  balance_insufficient = 4,  // a connected account's balance is short
};

struct payout_create_result {
  payout_create_status status = payout_create_status::created;
  std::string body;  // created, replayed: the answer stored under the key
};

enum class payout_fail_status : std::uint8_t {
  failed = 1,
  not_found = 2,
  not_pending = 3
};

struct payout_fail_result {
  payout_fail_status status = payout_fail_status::not_found;
  std::string json;  // failed, not_pending: the payout now
};

struct payout_list_result {
  bool cursor_found = true;  // false: the cursor names no payout of the list
  boost::json::array data;   // each payout as find_json renders it
  bool has_more = false;
};

struct payout_store_hooks {
  // type ("payout.paid", "payout.failed"), payout id, payout JSON, unix_s,
  // the connected account it is on ("" for the platform's). Called with the
  // store's lock held: must be quick, never call back.
  std::function<void(std::string_view, std::string_view, std::string_view,
                     std::int64_t, std::string_view)>
    on_event;
  std::function<void(std::chrono::milliseconds)> wake_after;
  // A connected account's pay-out takes its money from the account's
  // balance at creation (false: not enough) and gives it back if it fails.
  // Called with the store's lock held.
  std::function<bool(const payout_record&)> reserve;
  std::function<void(const payout_record&)> release;
};

class payout_store {
 public:
  payout_store(std::chrono::milliseconds payout_delay,
               payout_store_hooks hooks = {},
               std::int64_t key_ttl_s = idempotency_key_ttl_s_default);

  // `key` must not be empty (payouts require an Idempotency-Key). A key
  // first used key_ttl_s or more ago is forgotten: a new payout.
  payout_create_result create(const payout_params& params,
                              const std::string& key,
                              const std::string& fingerprint,
                              const sim_time& now);
  // Only a pay-out of `account` (empty: the platform's), as Stripe scopes
  // reads by the Stripe-Account header.
  std::optional<std::string> find_json(std::string_view id,
                                       std::string_view account,
                                       const sim_time& now);
  // GET /v1/payouts: the pay-outs of `account` (empty: the platform's),
  // newest first (created, then id, descending), paged as Stripe pages
  // lists. A cursor must be a pay-out of that account too.
  payout_list_result list(std::string_view account, const page_query& q,
                          const sim_time& now);
  payout_fail_result force_fail(std::string_view id, const sim_time& now);
  void settle(const sim_time& now);
  // The platform's payouts paid in [from_unix_s, to_unix_s).
  std::vector<payout_record> paid_between(std::int64_t from_unix_s,
                                          std::int64_t to_unix_s,
                                          const sim_time& now);
  // GET /sim/payouts: every payout in creation order, each with the
  // Idempotency-Key it was created under (tests count them per key).
  std::string list_json(const sim_time& now);
  void reset();

 private:
  struct key_entry {
    std::string fingerprint;
    std::string body;
    std::int64_t first_used_unix_s = 0;
  };
  struct due_entry {
    std::string payout_id;
    std::int64_t due_unix_s = 0;
  };
  using due_map =
    std::multimap<std::chrono::steady_clock::time_point, due_entry>;

  // mutex_ held.
  void settle_due(const sim_time& now);
  void resolve(payout_record& payout, payout_state state,
               std::string failure_code, std::int64_t unix_s);

  const std::chrono::milliseconds payout_delay_;
  const payout_store_hooks hooks_;
  const std::int64_t key_ttl_s_;
  std::mutex mutex_;
  std::unordered_map<std::string, payout_record> payouts_;
  std::vector<std::string> order_;  // creation order
  // (created, id) of each account's pay-outs ("": the platform's).
  std::unordered_map<std::string, newest_first> order_by_account_;
  std::unordered_map<std::string, key_entry> keys_;
  due_map due_;
  std::unordered_map<std::string, due_map::iterator> due_by_payout_;
};

}  // namespace pay::pspsim
