// Stripe Connect basics: connected accounts (POST /v1/accounts), transfers
// from the platform to them (POST /v1/transfers) and their reversals (POST
// /v1/transfers/{id}/reversals), and each account's own balance, which
// transfers credit, reversals debit and its pay-outs (POST /v1/payouts with
// Stripe-Account) draw on. Thread-safe (one mutex); the payout store calls
// reserve/release under its own lock (lock order: payouts, then this store).
//
// Transfers and reversals move the platform's balance too: settled_days
// lists them in its balance transactions (and transfers in its settlement
// file) on the day they were created. Simplification, documented in
// docs/pspsim.md: the platform's balance is not checked by transfers.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/json/array.hpp>

#include "pspsim/idempotency_window.hpp"
#include "pspsim/intent.hpp"
#include "pspsim/sim_time.hpp"
#include "pspsim/stored_answers.hpp"
#include "pspsim/stripe_list.hpp"
#include "pspsim/transfer_json.hpp"

namespace pay::pspsim {

struct account_params {
  std::string type;  // "custom" or "express"
  std::optional<std::string> country;
  std::optional<std::string> email;
  bool transfers_requested = false;
  bool card_payments_requested = false;
  metadata_map metadata;
};

enum class connect_status : std::uint8_t {
  created = 1,
  replayed = 2,
  key_reused_with_other_params = 3,
  no_such_destination = 4,         // transfers: unknown account
  destination_cannot_receive = 5,  // transfers: no transfers capability
  no_such_transfer = 6,            // reversals: unknown transfer
  already_reversed = 7,            // reversals: nothing left to reverse
  amount_too_large = 8,            // reversals: more than what is left
};

struct connect_result {
  connect_status status = connect_status::created;
  std::string body;             // created, replayed
  std::int64_t left_minor = 0;  // amount_too_large: what is left
};

// GET /v1/transfers: the filters (empty: none) and the page.
struct transfer_list_query {
  std::string destination;
  std::string transfer_group;
  page_query page;
};

struct transfer_list_result {
  bool cursor_found = true;  // false: the cursor names no transfer
  boost::json::array data;   // each transfer as GET renders it
  bool has_more = false;
};

class connect_store {
 public:
  explicit connect_store(
    std::int64_t key_ttl_s = idempotency_key_ttl_s_default);

  connect_result create_account(const account_params& params,
                                const std::string& key,
                                const std::string& fingerprint,
                                const sim_time& now);
  std::optional<std::string> find_account_json(std::string_view id) const;
  bool has_account(std::string_view id) const;
  // The account's e-mail, empty when it has none (or is unknown).
  std::string email_of(std::string_view id) const;

  // Credits the destination's balance at once.
  connect_result create_transfer(const transfer_params& params,
                                 const std::string& key,
                                 const std::string& fingerprint,
                                 const sim_time& now);
  std::optional<std::string> find_transfer_json(std::string_view id) const;
  // Newest first (created, then id, descending), filtered by destination
  // and/or transfer_group, paged as Stripe pages lists.
  transfer_list_result list_transfers(const transfer_list_query& q) const;

  // Takes the amount (default: all that is left) back from the
  // destination's balance into the platform's. The destination's balance
  // may go negative: see create_reversal in connect_store.cpp.
  connect_result create_reversal(std::string_view transfer,
                                 const reversal_params& params,
                                 const std::string& key,
                                 const std::string& fingerprint,
                                 const sim_time& now);

  // What the platform's balance saw, created in [from_unix_s, to_unix_s):
  // transfers (each as it is now, reversals included) and reversals.
  std::vector<transfer_record> transfers_between(std::int64_t from_unix_s,
                                                 std::int64_t to_unix_s) const;
  std::vector<reversal_record> reversals_between(std::int64_t from_unix_s,
                                                 std::int64_t to_unix_s) const;

  // A connected account's pay-out takes its money now (false: not enough
  // available); a failed one gives it back.
  bool reserve(std::string_view account, std::string_view currency,
               std::int64_t amount_minor);
  void release(std::string_view account, std::string_view currency,
               std::int64_t amount_minor);
  // {"object":"balance","available":[{"amount","currency"}, ...]}
  std::optional<std::string> balance_json(std::string_view account) const;

  void reset();

 private:
  struct account_record {
    std::string id;
    account_params params;
    std::int64_t created_unix_s = 0;
  };
  // mutex_ held.
  static std::string account_json(const account_record& a);

  mutable std::mutex mutex_;
  std::unordered_map<std::string, account_record> accounts_;
  std::unordered_map<std::string, transfer_record> transfers_;
  // (created, id) of every transfer, and of each destination's and each
  // transfer group's: the list order.
  newest_first transfer_order_;
  std::unordered_map<std::string, newest_first> transfers_by_destination_;
  std::unordered_map<std::string, newest_first> transfers_by_group_;
  // (created, id) of every reversal, and the transfer each belongs to.
  newest_first reversal_order_;
  std::unordered_map<std::string, std::string> transfer_of_reversal_;
  // (account, currency) -> available minor units.
  std::map<std::pair<std::string, std::string>, std::int64_t> balances_;
  stored_answers account_keys_;
  stored_answers transfer_keys_;
  stored_answers reversal_keys_;
};

}  // namespace pay::pspsim
