#pragma once
// Tenancy by id: every id a merchant chooses (checkout, payment order, seller,
// Idempotency-Key) is stored as "<account>:<id>", so two merchants may use the
// same ids, neither can name (or squat) the other's, and everything keyed by
// those ids — orders, wallets, pay-outs, refunds — is per merchant without a
// column of its own. Platform (admin) keys have an empty prefix and see ids
// as stored.

#include <string>
#include <string_view>

namespace pay::domain {

class account_scope {
 public:
  account_scope() = default;  // the platform: ids pass unchanged
  static account_scope of(std::string_view account_id);

  bool is_platform() const { return prefix_.empty(); }
  // The account id, empty for the platform.
  std::string account_id() const;

  // A client's id as stored.
  std::string in(std::string_view client_id) const;
  // A stored id as this scope's client knows it.
  std::string out(std::string_view stored_id) const;
  // True when `stored_id` belongs to this scope (always for the platform).
  bool owns(std::string_view stored_id) const;

 private:
  std::string prefix_;  // "acct_...:" or empty
};

// The account a stored id belongs to ("acct_..." before the first ':'),
// empty for the platform's ids.
std::string_view account_of(std::string_view stored_id);

}  // namespace pay::domain
