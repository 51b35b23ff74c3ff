#pragma once
// One PostgreSQL connection for an actor that runs its own transactions (the
// pay-out, refund and reconciliation stores): opened lazily, dropped when
// broken so the next call reconnects. Failures come back as values; libpqxx
// exceptions do not escape.

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <utility>

#include <pqxx/pqxx>

#include "persistence/common/fenced_write.hpp"

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
    return run_once(work).error;
  }

  struct outcome {
    std::string error;       // "" when committed
    bool transient = false;  // a deadlock, a serialization failure or a lost
                             // connection: the same work may well succeed later
  };

  // in_transaction, run again (after 100, 200, 400 ms ...) while it fails
  // transiently, at most `attempts` times. `work` must start from scratch
  // each time: it may run more than once, and only the last run's
  // transaction commits.
  template <class Work>
  outcome in_transaction_retrying(Work&& work, int attempts) {
    outcome out;
    std::chrono::milliseconds pause{100};
    for (int attempt = 1; attempt <= attempts; ++attempt) {
      out = run_once(work);
      if (out.error.empty() || !out.transient || attempt == attempts)
        return out;
      std::this_thread::sleep_for(pause);
      pause *= 2;
    }
    return out;
  }

 private:
  template <class Work>
  outcome run_once(Work& work) {
    try {
      if (!conn_ || !conn_->is_open())
        conn_ = std::make_unique<pqxx::connection>(url_);
      pqxx::work txn{*conn_};
      work(txn);
      txn.commit();
      return {};
    } catch (const pqxx::broken_connection& e) {
      conn_.reset();
      return {std::string{"database connection lost: "} + e.what(), true};
    } catch (const pqxx::transaction_rollback& e) {
      return {e.what(), true};
    } catch (const pqxx::in_doubt_error& e) {
      conn_.reset();
      return {e.what(), true};
    } catch (const pqxx::sql_error& e) {
      report_if_fenced(e);
      return {e.what(), false};
    } catch (const std::exception& e) {
      return {e.what(), false};
    }
  }

  std::string url_;
  std::unique_ptr<pqxx::connection> conn_;
};

}  // namespace pay::persistence
