#include "persistence/ledger/ledger_sql.hpp"

#include <stdexcept>
#include <string>

#include "persistence/common/pg_array.hpp"

namespace pay::persistence {

bool append_ledger_transaction(pqxx::work& txn, std::string_view kind,
                               std::string_view reference,
                               const std::vector<domain::posting>& postings) {
  if (!domain::is_balanced(postings))
    throw std::invalid_argument("unbalanced ledger transaction "
                                + std::string{kind} + " "
                                + std::string{reference});
  std::vector<std::string> accounts, currencies;
  std::vector<std::int64_t> amounts;
  for (const auto& p : postings) {
    accounts.push_back(p.account);
    currencies.push_back(p.currency);
    amounts.push_back(p.amount_minor);
  }
  auto rows = txn.exec_params(
    "WITH tx AS ("
    "  INSERT INTO ledger_transaction (kind, reference) VALUES ($1, $2)"
    "  ON CONFLICT DO NOTHING RETURNING id)"
    " INSERT INTO ledger_entry (transaction_id, account, currency, amount_minor)"
    " SELECT tx.id, e.account, e.currency, e.amount"
    "   FROM tx, unnest($3::text[], $4::text[], $5::bigint[])"
    "        AS e(account, currency, amount)"
    " RETURNING transaction_id",
    std::string{kind}, std::string{reference}, to_pg_array(accounts),
    to_pg_array(currencies), to_pg_array(amounts));
  return !rows.empty();
}

void adjust_wallet(pqxx::work& txn, std::string_view seller,
                   std::string_view currency, std::int64_t delta_minor) {
  txn.exec_params(
    "INSERT INTO wallet (seller_account, currency, balance_minor)"
    " VALUES ($1, $2, $3)"
    " ON CONFLICT (seller_account, currency) DO UPDATE"
    "  SET balance_minor = wallet.balance_minor + excluded.balance_minor,"
    "      updated_at = now()",
    std::string{seller}, std::string{currency}, delta_minor);
}

std::int64_t lock_wallet(pqxx::work& txn, std::string_view seller,
                         std::string_view currency) {
  txn.exec_params(
    "INSERT INTO wallet (seller_account, currency, balance_minor)"
    " VALUES ($1, $2, 0) ON CONFLICT DO NOTHING",
    std::string{seller}, std::string{currency});
  auto row = txn.exec_params1(
    "SELECT balance_minor FROM wallet"
    " WHERE seller_account = $1 AND currency = $2 FOR UPDATE",
    std::string{seller}, std::string{currency});
  return row[0].as<std::int64_t>();
}

}  // namespace pay::persistence
