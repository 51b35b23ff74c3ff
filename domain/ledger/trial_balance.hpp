#pragma once
// The trial balance: every ledger account's debits, credits and balance per
// currency, and each currency's total, which a balanced ledger keeps at
// zero. Alongside, as a memo (not in the ledger), the money our payment
// orders hold authorized at the PSP and not captured yet. Plain records (the
// reconciler carries them to the gateway) and the pure assembly from the
// sums the database returns.

#include <cstdint>
#include <string>
#include <vector>

namespace pay {

// One account in one currency, as summed over ledger_entry.
struct account_sums {
  std::string account;
  std::string currency;
  std::int64_t debit_minor = 0;   // the positive entries
  std::int64_t credit_minor = 0;  // the negative entries, as a magnitude
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, account_sums& x) {
  return f(x.account, x.currency, x.debit_minor, x.credit_minor);
}

struct trial_balance_row {
  std::string account;
  std::int64_t debit_minor = 0;
  std::int64_t credit_minor = 0;
  std::int64_t balance_minor = 0;  // debit - credit
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, trial_balance_row& x) {
  return f(x.account, x.debit_minor, x.credit_minor, x.balance_minor);
}

struct currency_trial_balance {
  std::string currency;
  std::vector<trial_balance_row> accounts;  // by account name
  std::int64_t total_minor = 0;             // sum of balances: 0 if balanced
  std::int64_t debit_total_minor = 0;
  std::int64_t credit_total_minor = 0;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        currency_trial_balance& x) {
  return f(x.currency, x.accounts, x.total_minor, x.debit_total_minor,
           x.credit_total_minor);
}

// A memo line: money held for us at the PSP, outside the ledger.
struct memo_line {
  std::string name;  // "authorizations_held"
  std::string currency;
  std::int64_t amount_minor = 0;
  std::int64_t orders = 0;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, memo_line& x) {
  return f(x.name, x.currency, x.amount_minor, x.orders);
}

struct read_trial_balance {};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, read_trial_balance&) {
  return f();
}

struct trial_balance {
  std::string as_of;  // RFC 3339: the snapshot every figure is read in
  std::vector<currency_trial_balance> currencies;  // by currency code
  std::vector<memo_line> memo;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, trial_balance& x) {
  return f(x.as_of, x.currencies, x.memo);
}

namespace domain {

inline constexpr const char* authorizations_held_memo = "authorizations_held";

// Groups `sums` by currency, accounts by name within it, and totals each
// currency (balances, debits, credits). A total beyond 64 bits would take
// a ledger of more than 9.2e18 minor units in one currency, which no flow
// writes (every entry is one PSP amount, at most 1e11): asserted.
std::vector<currency_trial_balance> build_trial_balance(
  std::vector<account_sums> sums);

}  // namespace domain

}  // namespace pay
