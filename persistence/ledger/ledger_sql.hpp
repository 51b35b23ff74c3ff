#pragma once
// Writing to the ledger and the wallet from inside a caller's transaction:
// the only code that does (its statements: persistence/ledger/
// statements.hpp). Pay-outs, refunds and settlements append one transaction
// at a time; the pay-in store books a whole batch of orders inside its
// transition statement, from the arrays a payin_postings_batch builds.

#include <cstdint>
#include <string>
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

// --- the pay-in store -----------------------------------------------------

// The pay-in postings of one store batch, as the parallel arrays the pay-in
// booking reads (PAY_LEDGER_BOOK_PAYINS_CTES, embedded in the pay-in
// store's transition_orders as $13..$16): one statement books every order
// of the batch that reaches SUCCESS.
class payin_postings_batch {
 public:
  // The postings of order `order_id` (none for a move to anything but
  // SUCCESS).
  void add(const std::string& order_id,
           const std::vector<domain::posting>& postings);

  // PostgreSQL array literals, in parameter order.
  struct arrays {
    std::string references;
    std::string accounts;
    std::string currencies;
    std::string amounts;
  };
  arrays to_arrays() const;

 private:
  std::vector<std::string> references_;
  std::vector<std::string> accounts_;
  std::vector<std::string> currencies_;
  std::vector<std::int64_t> amounts_;
};

// The wallet credit of one order booked before migration 7, and its
// wallet_updated flag; a no-op the second time. True when credited now.
// Runs a statement prepared on pay-in store connections
// (sql::ledger::prepared_statements).
bool credit_payin_wallet(pqxx::work& txn, const std::string& order_id,
                         const std::string& seller, const std::string& currency,
                         std::int64_t amount_minor);

// The pay-in ledger transaction of one such order, and its ledger_updated
// flag. True when written now. Prepared like credit_payin_wallet.
bool write_payin_ledger(pqxx::work& txn, const std::string& order_id,
                        const std::vector<domain::posting>& postings);

}  // namespace pay::persistence
