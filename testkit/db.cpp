#include "testkit/db.hpp"

#include <chrono>
#include <thread>

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

std::string with_database(const std::string& url, const std::string& database) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return {};
  const auto scheme = url.substr(0, scheme_end);
  if (scheme != "postgresql" && scheme != "postgres") return {};
  const auto path_at = url.find_first_of("/?", scheme_end + 3);
  if (path_at == std::string::npos) return url + "/" + database;
  const auto query_at = url.find('?', path_at);
  const auto query = query_at == std::string::npos ? std::string{}
                                                   : url.substr(query_at);
  return url.substr(0, path_at) + "/" + database + query;
}

scratch_database create_database(const std::string& admin_url,
                                 const std::string& name) {
  scratch_database out;
  out.url = with_database(admin_url, name);
  if (out.url.empty()) {
    out.error = "DATABASE_URL must be a postgresql:// URL, got: " + admin_url;
    return out;
  }
  try {
    pqxx::connection conn{admin_url};
    pqxx::nontransaction txn{conn};
    txn.exec0("CREATE DATABASE " + txn.quote_name(name));
  } catch (const std::exception& e) {
    out.error = "cannot create database " + name + ": " + e.what();
  }
  return out;
}

std::string drop_database(const std::string& admin_url, const std::string& name,
                          int attempts_max) {
  std::string last_error;
  for (int attempt = 0; attempt < attempts_max; ++attempt) {
    try {
      pqxx::connection conn{admin_url};
      pqxx::nontransaction txn{conn};
      txn.exec0("DROP DATABASE IF EXISTS " + txn.quote_name(name)
                + " WITH (FORCE)");
      return {};
    } catch (const std::exception& e) {
      last_error = e.what();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{500});
  }
  return last_error;
}

}  // namespace pay::it
