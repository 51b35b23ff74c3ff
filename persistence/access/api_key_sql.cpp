#include "persistence/access/api_key_sql.hpp"

#include "persistence/access/statements.hpp"
#include "persistence/common/pg_array.hpp"

namespace pay::persistence {

namespace {

api_key_row row_of(const pqxx::row& r) {
  api_key_row k;
  k.key_id = r[0].as<std::string>();
  k.account_id = r[1].as<std::string>();
  k.name = r[2].as<std::string>();
  k.role = r[3].as<std::string>();
  k.mode = r[4].as<std::string>();
  k.prefix = r[5].as<std::string>();
  pqxx::binarystring hash{r[6]};
  k.secret_hash = hash.str();
  k.created_at = r[7].as<std::string>();
  k.last_used_at = r[8].as<std::string>();
  k.revoked_at = r[9].as<std::string>();
  return k;
}

std::vector<api_key_row> rows_of(const pqxx::result& result) {
  std::vector<api_key_row> rows;
  rows.reserve(result.size());
  for (const auto& r : result) rows.push_back(row_of(r));
  return rows;
}

}  // namespace

api_key_row insert_api_key(pqxx::work& txn, const api_key_row& row) {
  pqxx::binarystring hash{row.secret_hash};
  auto r = txn.exec_params1(sql::access::insert_key, row.key_id, row.account_id,
                            row.name, row.role, row.mode, row.prefix, hash);
  return row_of(r);
}

std::vector<api_key_row> list_api_keys(pqxx::work& txn) {
  return rows_of(txn.exec(sql::access::list_keys));
}

api_key_changes load_api_keys_changed_since(pqxx::work& txn,
                                            const std::string& since) {
  // The mark is taken before reading, so a change committed while we read
  // is seen again next time rather than never.
  api_key_changes changes;
  changes.mark = txn.exec1(sql::access::change_mark)[0].as<std::string>();
  if (since.empty()) {
    changes.rows = rows_of(txn.exec(sql::access::all_keys));
  } else {
    changes.rows = rows_of(
      txn.exec_params(sql::access::keys_changed_since, since));
  }
  return changes;
}

std::optional<api_key_row> revoke_api_key(pqxx::work& txn,
                                          const std::string& key_id) {
  auto r = txn.exec_params(sql::access::revoke_key, key_id);
  if (r.empty()) return std::nullopt;
  return row_of(r[0]);
}

void lock_bootstrap_key(pqxx::work& txn) {
  txn.exec(sql::access::lock_bootstrap_key);
}

std::optional<api_key_row> find_api_key_by_hash(pqxx::work& txn,
                                                const std::string& hash) {
  pqxx::binarystring bytes{hash};
  auto r = txn.exec_params(sql::access::key_by_hash, bytes);
  if (r.empty()) return std::nullopt;
  return row_of(r[0]);
}

void touch_api_keys(pqxx::work& txn, const std::vector<std::string>& key_ids) {
  if (key_ids.empty()) return;
  // last_used_at is for people reading a listing: not a change paymentd
  // needs to reload, so changed_at stays.
  txn.exec_params(sql::access::touch_keys, to_pg_array(key_ids));
}

}  // namespace pay::persistence
