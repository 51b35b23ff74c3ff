#pragma once
// The trial balance, read in one snapshot: every account's debits and
// credits per currency from the ledger, and the authorizations our payment
// orders hold at the PSP as a memo.

#include <pqxx/pqxx>

#include "domain/ledger/trial_balance.hpp"

namespace pay::persistence {

// Must be the transaction's first statement: it sets its isolation.
trial_balance read_trial_balance(pqxx::work& txn);

}  // namespace pay::persistence
