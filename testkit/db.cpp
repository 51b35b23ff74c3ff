#include "testkit/db.hpp"

#include <pqxx/pqxx>

namespace pay::it {

std::int64_t query_int(const std::string& database_url, const std::string& sql,
                       const std::string& param) {
  pqxx::connection conn{database_url};
  pqxx::read_transaction txn{conn};
  return txn.exec_params1(sql, param)[0].as<std::int64_t>();
}

void exec_sql(const std::string& database_url, const std::string& sql) {
  pqxx::connection conn{database_url};
  pqxx::work txn{conn};
  txn.exec(sql);
  txn.commit();
}

}  // namespace pay::it
