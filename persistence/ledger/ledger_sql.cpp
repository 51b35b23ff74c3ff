#include "persistence/ledger/ledger_sql.hpp"

#include <stdexcept>
#include <string>

#include "domain/common/assert.hpp"
#include "persistence/common/pg_array.hpp"
#include "persistence/ledger/statements.hpp"

namespace pay::persistence {

namespace {

// Postings as the parallel arrays (account, currency, amount) every ledger
// statement reads.
struct posting_arrays {
  std::string accounts;
  std::string currencies;
  std::string amounts;
};

posting_arrays arrays_of(const std::vector<domain::posting>& postings) {
  std::vector<std::string> accounts, currencies;
  std::vector<std::int64_t> amounts;
  for (const auto& p : postings) {
    accounts.push_back(p.account);
    currencies.push_back(p.currency);
    amounts.push_back(p.amount_minor);
  }
  return {to_pg_array(accounts), to_pg_array(currencies), to_pg_array(amounts)};
}

}  // namespace

bool append_ledger_transaction(pqxx::work& txn, std::string_view kind,
                               std::string_view reference,
                               const std::vector<domain::posting>& postings) {
  // (kind, reference) is the transaction's idempotency key: never blank.
  PAY_ASSERT(!kind.empty() && !reference.empty());
  if (!domain::is_balanced(postings))
    throw std::invalid_argument("unbalanced ledger transaction "
                                + std::string{kind} + " "
                                + std::string{reference});
  auto arrays = arrays_of(postings);
  auto rows = txn.exec_params(sql::ledger::append_transaction,
                              std::string{kind}, std::string{reference},
                              arrays.accounts, arrays.currencies,
                              arrays.amounts);
  return !rows.empty();
}

void adjust_wallet(pqxx::work& txn, std::string_view seller,
                   std::string_view currency, std::int64_t delta_minor) {
  // Callers move money they have just booked in the ledger: some, in a
  // seller's wallet, in a currency.
  PAY_ASSERT(delta_minor != 0);
  PAY_ASSERT(!seller.empty() && currency.size() == 3);
  txn.exec_params(sql::ledger::adjust_wallet, std::string{seller},
                  std::string{currency}, delta_minor);
}

std::int64_t lock_wallet(pqxx::work& txn, std::string_view seller,
                         std::string_view currency) {
  PAY_ASSERT(!seller.empty() && currency.size() == 3);
  txn.exec_params(sql::ledger::ensure_wallet, std::string{seller},
                  std::string{currency});
  auto row = txn.exec_params1(sql::ledger::lock_wallet, std::string{seller},
                              std::string{currency});
  return row[0].as<std::int64_t>();
}

void payin_postings_batch::add(const std::string& order_id,
                               const std::vector<domain::posting>& postings) {
  for (const auto& p : postings) {
    references_.push_back(order_id);
    accounts_.push_back(p.account);
    currencies_.push_back(p.currency);
    amounts_.push_back(p.amount_minor);
  }
}

payin_postings_batch::arrays payin_postings_batch::to_arrays() const {
  return {to_pg_array(references_), to_pg_array(accounts_),
          to_pg_array(currencies_), to_pg_array(amounts_)};
}

bool credit_payin_wallet(pqxx::work& txn, const std::string& order_id,
                         const std::string& seller, const std::string& currency,
                         std::int64_t amount_minor) {
  return !txn
            .exec_prepared(sql::ledger::credit_wallet.name, order_id, seller,
                           currency, amount_minor)
            .empty();
}

bool write_payin_ledger(pqxx::work& txn, const std::string& order_id,
                        const std::vector<domain::posting>& postings) {
  auto arrays = arrays_of(postings);
  return !txn
            .exec_prepared(sql::ledger::write_ledger.name, std::string{"payin"},
                           order_id, arrays.accounts, arrays.currencies,
                           arrays.amounts)
            .empty();
}

}  // namespace pay::persistence
