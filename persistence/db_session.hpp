#pragma once
// One PostgreSQL connection for an actor that runs its own transactions (the
// pay-out, refund and reconciliation stores): opened lazily, dropped when
// broken so the next call reconnects. Failures come back as values; libpqxx
// exceptions do not escape.

#include <memory>
#include <string>
#include <utility>

#include <pqxx/pqxx>

namespace pay::persistence {

class db_session {
 public:
  explicit db_session(std::string database_url)
      : url_(std::move(database_url)) {}

  // Runs `work(txn)` in one transaction and commits it. Returns "" on
  // success, else why not (nothing was committed, unless the connection
  // broke during the commit itself: callers' work must be idempotent).
  template <class Work>
  std::string in_transaction(Work&& work) {
    try {
      if (!conn_ || !conn_->is_open())
        conn_ = std::make_unique<pqxx::connection>(url_);
      pqxx::work txn{*conn_};
      work(txn);
      txn.commit();
      return {};
    } catch (const pqxx::broken_connection& e) {
      conn_.reset();
      return std::string{"database connection lost: "} + e.what();
    } catch (const std::exception& e) {
      return e.what();
    }
  }

 private:
  std::string url_;
  std::unique_ptr<pqxx::connection> conn_;
};

}  // namespace pay::persistence
