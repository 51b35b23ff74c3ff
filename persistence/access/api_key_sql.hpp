#pragma once
// Every SQL statement about API keys, each run in the caller's transaction.
// Plain structs in and out: no actor types (the gateway's key registry and
// `paymentd keys` both call these).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

namespace pay::persistence {

struct api_key_row {
  std::string key_id;
  std::string account_id;
  std::string name;
  std::string role;          // merchant | readonly | admin
  std::string mode;          // test | live
  std::string prefix;        // "sk_test_AbCd"
  std::string secret_hash;   // 32 raw bytes
  std::string created_at;    // RFC 3339 UTC
  std::string last_used_at;  // "" when never
  std::string revoked_at;    // "" when live
};

// Inserts the row (created_at and changed_at from the database).
api_key_row insert_api_key(pqxx::work& txn, const api_key_row& row);

// Every key, newest first (revoked ones too: the audit trail).
std::vector<api_key_row> list_api_keys(pqxx::work& txn);

// Keys changed after `since` (an opaque database timestamp text; "" for
// all), and the new mark to pass next time.
struct api_key_changes {
  std::vector<api_key_row> rows;
  std::string mark;
};
api_key_changes load_api_keys_changed_since(pqxx::work& txn,
                                            const std::string& since);

// Revokes a live key; the row as it is now, nothing when there is no such
// key. Revoking twice keeps the first time.
std::optional<api_key_row> revoke_api_key(pqxx::work& txn,
                                          const std::string& key_id);

// Serialises, until commit, the transactions that ensure the bootstrap
// admin key (several nodes starting at once).
void lock_bootstrap_key(pqxx::work& txn);

// The key with this hash, revoked or not.
std::optional<api_key_row> find_api_key_by_hash(pqxx::work& txn,
                                                const std::string& hash);

// Records that these keys were used (at the time of the call).
void touch_api_keys(pqxx::work& txn, const std::vector<std::string>& key_ids);

}  // namespace pay::persistence
