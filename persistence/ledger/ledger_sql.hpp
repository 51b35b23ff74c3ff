#pragma once
// Writing to the ledger and the wallet from inside a caller's transaction
// (pay-outs, refunds, settlements): the same rules as the pay-in store
// commands, shared by every store that moves a seller's money.

#include <cstdint>
#include <string_view>
#include <vector>

#include <pqxx/pqxx>

#include "domain/ledger/ledger_postings.hpp"

namespace pay::persistence {

// Appends one balanced ledger transaction (kind, reference) unless it
// exists. True when it was written now; false when an earlier run had
// (UNIQUE (kind, reference)). The deferred trigger checks the balance at
// commit; unbalanced postings are also refused here, before the database.
bool append_ledger_transaction(pqxx::work& txn, std::string_view kind,
                               std::string_view reference,
                               const std::vector<domain::posting>& postings);

// Adds `delta_minor` (negative: a debit of the seller) to what we owe the
// seller in `currency`, creating the wallet row if needed. Callers that
// check a balance first lock the row with lock_wallet.
void adjust_wallet(pqxx::work& txn, std::string_view seller,
                   std::string_view currency, std::int64_t delta_minor);

// SELECT ... FOR UPDATE of the seller's wallet row in `currency` (created
// with 0 when missing): serialises every balance check and change for that
// seller and currency. Returns the balance.
std::int64_t lock_wallet(pqxx::work& txn, std::string_view seller,
                         std::string_view currency);

}  // namespace pay::persistence
