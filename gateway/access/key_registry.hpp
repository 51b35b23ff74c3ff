#pragma once
// Every API key paymentd knows, in memory, so checking a request's key costs
// a SHA-256 and a hash-map lookup and never a database trip (a flood of bad
// keys cannot reach PostgreSQL). Keys live in the database: a worker thread
// with its own connection loads them at start, reloads what changed every
// `refresh_ms` (keys made or revoked by `paymentd keys` or another node),
// records last use, and runs the admin API's create/list/revoke. Keys made or
// revoked through this registry take effect at once.

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "domain/access/account_scope.hpp"
#include "domain/access/api_key.hpp"
#include "persistence/access/api_key_sql.hpp"

namespace pay::gateway {

// Who is calling, once the key is checked.
struct caller {
  std::string key_id;
  domain::key_role role = domain::key_role::readonly;
  domain::account_scope scope;  // the platform for admin keys
};

enum class key_verdict { ok, unknown, revoked };

struct key_check {
  key_verdict verdict = key_verdict::unknown;
  caller who;  // meaningful when ok
};

struct new_key_request {
  std::string name;
  domain::key_role role = domain::key_role::merchant;
  domain::key_mode mode = domain::key_mode::test;
  std::string account_id;  // "" -> a new account (admin keys: the platform's)
};

struct new_key_result {
  std::string error;  // "" on success
  persistence::api_key_row row;
  std::string secret;  // the full key: shown once, never stored
};

// Makes and stores a key (shared with `paymentd keys create`).
new_key_result create_api_key(pqxx::work& txn, const new_key_request& req);

class key_registry {
 public:
  key_registry(std::string database_url, std::uint32_t refresh_ms);
  ~key_registry();
  key_registry(const key_registry&) = delete;
  key_registry& operator=(const key_registry&) = delete;

  // Loads every key (and stores `bootstrap_admin_key` as an admin key when
  // it is set and not known yet), then starts the worker. "" on success.
  std::string start(const std::string& bootstrap_admin_key);
  void stop();

  // Any thread, no database.
  key_check check(std::string_view presented_key) const;

  // Run on the worker; `done` is called there.
  void create(new_key_request req, std::function<void(new_key_result)> done);
  using list_result =
    std::pair<std::string, std::vector<persistence::api_key_row>>;
  void list(std::function<void(list_result)> done);
  using revoke_result =
    std::pair<std::string, std::optional<persistence::api_key_row>>;
  void revoke(std::string key_id, std::function<void(revoke_result)> done);

  std::size_t size() const;

 private:
  struct entry;
  void apply(const std::vector<persistence::api_key_row>& rows);
  void run();
  void refresh_and_touch();
  void post(std::function<void()> task);

  const std::string database_url_;
  const std::uint32_t refresh_ms_;

  mutable std::shared_mutex keys_mutex_;
  std::unordered_map<std::string, std::shared_ptr<entry>> by_hash_;

  std::mutex tasks_mutex_;
  std::condition_variable tasks_cv_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::string mark_;                            // worker only
  std::unique_ptr<struct key_registry_db> db_;  // worker only
  std::thread worker_;
};

}  // namespace pay::gateway
