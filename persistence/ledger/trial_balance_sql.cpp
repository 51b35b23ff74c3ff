#include "persistence/ledger/trial_balance_sql.hpp"

#include "persistence/ledger/statements.hpp"

namespace pay::persistence {

trial_balance read_trial_balance(pqxx::work& txn) {
  txn.exec(sql::ledger::snapshot);
  trial_balance out;
  out.as_of = txn.exec1(sql::ledger::snapshot_time)[0].c_str();
  std::vector<account_sums> sums;
  for (const auto& r : txn.exec(sql::ledger::account_sums))
    sums.push_back({r[0].c_str(), r[1].c_str(), r[2].as<std::int64_t>(),
                    r[3].as<std::int64_t>()});
  out.currencies = domain::build_trial_balance(std::move(sums));
  for (const auto& r : txn.exec(sql::ledger::authorizations_held))
    out.memo.push_back({domain::authorizations_held_memo, r[0].c_str(),
                        r[1].as<std::int64_t>(), r[2].as<std::int64_t>()});
  return out;
}

}  // namespace pay::persistence
