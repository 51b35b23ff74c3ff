// Stripe Connect basics: connected accounts (POST /v1/accounts), transfers
// from the platform to them (POST /v1/transfers), and each account's own
// balance, which its pay-outs (POST /v1/payouts with Stripe-Account) draw
// on. Thread-safe (one mutex); the payout store calls reserve/release under
// its own lock (lock order: payouts, then this store).
//
// Simplifications, documented in docs/pspsim.md: the platform's balance is
// not checked by transfers, and transfers and connected accounts' pay-outs
// do not appear in the platform's settlement file or balance transactions.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "pspsim/idempotency_window.hpp"
#include "pspsim/intent.hpp"
#include "pspsim/sim_time.hpp"
#include "pspsim/stored_answers.hpp"

namespace pay::pspsim {

struct account_params {
  std::string type;  // "custom" or "express"
  std::optional<std::string> country;
  std::optional<std::string> email;
  bool transfers_requested = false;
  bool card_payments_requested = false;
  metadata_map metadata;
};

struct transfer_params {
  std::int64_t amount_minor = 0;
  std::string currency;     // lowercase
  std::string destination;  // "acct_..."
  std::optional<std::string> transfer_group;
  std::optional<std::string> source_transaction;  // "ch_..."
  std::optional<std::string> description;
  metadata_map metadata;
};

enum class connect_status : std::uint8_t {
  created = 1,
  replayed = 2,
  key_reused_with_other_params = 3,
  no_such_destination = 4,         // transfers: unknown account
  destination_cannot_receive = 5,  // transfers: no transfers capability
};

struct connect_result {
  connect_status status = connect_status::created;
  std::string body;  // created, replayed
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

  // Credits the destination's balance at once.
  connect_result create_transfer(const transfer_params& params,
                                 const std::string& key,
                                 const std::string& fingerprint,
                                 const sim_time& now);
  std::optional<std::string> find_transfer_json(std::string_view id) const;

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
  struct transfer_record {
    std::string id;
    transfer_params params;
    std::int64_t created_unix_s = 0;
  };
  // mutex_ held.
  static std::string account_json(const account_record& a);
  static std::string transfer_json(const transfer_record& t);

  mutable std::mutex mutex_;
  std::unordered_map<std::string, account_record> accounts_;
  std::unordered_map<std::string, transfer_record> transfers_;
  // (account, currency) -> available minor units.
  std::map<std::pair<std::string, std::string>, std::int64_t> balances_;
  stored_answers account_keys_;
  stored_answers transfer_keys_;
};

}  // namespace pay::pspsim
