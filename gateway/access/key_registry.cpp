#include "gateway/access/key_registry.hpp"

#include <atomic>
#include <chrono>

#include <spdlog/spdlog.h>

#include "persistence/common/db_session.hpp"

namespace pay::gateway {

struct key_registry_db {
  explicit key_registry_db(std::string url) : session(std::move(url)) {}
  persistence::db_session session;
};

struct key_registry::entry {
  persistence::api_key_row row;
  caller who;
  bool revoked = false;
  // Set on the hot path, cleared by the worker when it writes last_used_at.
  mutable std::atomic<bool> used{false};
};

new_key_result create_api_key(pqxx::work& txn, const new_key_request& req) {
  new_key_result out;
  if (req.name.empty() || req.name.size() > 100) {
    out.error = "name must be 1 to 100 characters";
    return out;
  }
  if (!req.account_id.empty() && !domain::is_account_id(req.account_id)) {
    out.error = "account must look like acct_ and 16 letters or digits";
    return out;
  }
  out.secret = domain::generate_api_key(req.mode);
  persistence::api_key_row row;
  row.key_id = domain::generate_key_id();
  row.account_id = req.account_id.empty() ? domain::generate_account_id()
                                          : req.account_id;
  row.name = req.name;
  row.role = std::string{domain::to_string(req.role)};
  row.mode = std::string{domain::to_string(req.mode)};
  row.prefix = out.secret.substr(0, domain::key_prefix_length);
  row.secret_hash = domain::api_key_hash(out.secret);
  out.row = persistence::insert_api_key(txn, row);
  return out;
}

key_registry::key_registry(std::string database_url, std::uint32_t refresh_ms)
    : database_url_(std::move(database_url)),
      refresh_ms_(refresh_ms),
      db_(std::make_unique<key_registry_db>(database_url_)) {}

key_registry::~key_registry() { stop(); }

std::string key_registry::start(const std::string& bootstrap_admin_key) {
  if (!bootstrap_admin_key.empty()
      && !domain::is_well_formed_api_key(bootstrap_admin_key))
    return "auth.bootstrap_admin_key is not a key (sk_test_ or sk_live_ and "
           "43 letters or digits)";
  auto err = db_->session.in_transaction([&](pqxx::work& txn) {
    if (!bootstrap_admin_key.empty()) {
      // Nodes of a cluster start together with the same key: one inserts
      // it, the others find it.
      persistence::lock_bootstrap_key(txn);
      auto hash = domain::api_key_hash(bootstrap_admin_key);
      if (!persistence::find_api_key_by_hash(txn, hash)) {
        persistence::api_key_row row;
        row.key_id = domain::generate_key_id();
        row.account_id = domain::generate_account_id();
        row.name = "bootstrap";
        row.role = "admin";
        row.mode = std::string{
          domain::to_string(*domain::mode_of_api_key(bootstrap_admin_key))};
        row.prefix = bootstrap_admin_key.substr(0, domain::key_prefix_length);
        row.secret_hash = hash;
        persistence::insert_api_key(txn, row);
      }
    }
    auto changes = persistence::load_api_keys_changed_since(txn, "");
    apply(changes.rows);
    mark_ = changes.mark;
  });
  if (!err.empty()) return "cannot load API keys: " + err;
  worker_ = std::thread([this] { run(); });
  return {};
}

void key_registry::stop() {
  {
    std::lock_guard lock(tasks_mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  tasks_cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void key_registry::apply(const std::vector<persistence::api_key_row>& rows) {
  std::unique_lock lock(keys_mutex_);
  for (const auto& row : rows) {
    auto e = std::make_shared<entry>();
    e->row = row;
    e->revoked = !row.revoked_at.empty();
    e->who.key_id = row.key_id;
    e->who.role = domain::parse_key_role(row.role).value_or(
      domain::key_role::readonly);
    // Admin keys act for the platform: they see every account's ids as
    // stored.
    if (e->who.role != domain::key_role::admin)
      e->who.scope = domain::account_scope::of(row.account_id);
    if (auto old = by_hash_.find(row.secret_hash); old != by_hash_.end())
      e->used.store(old->second->used.load());
    by_hash_[row.secret_hash] = std::move(e);
  }
}

key_check key_registry::check(std::string_view presented) const {
  key_check out;
  if (!domain::is_well_formed_api_key(presented)) return out;
  auto hash = domain::api_key_hash(presented);
  std::shared_lock lock(keys_mutex_);
  auto it = by_hash_.find(hash);
  // The map found the entry by hash; the constant-time compare keeps the
  // final decision free of data-dependent timing all the same.
  if (it == by_hash_.end()
      || !domain::same_key_hash(it->second->row.secret_hash, hash))
    return out;
  if (it->second->revoked) {
    out.verdict = key_verdict::revoked;
    return out;
  }
  if (!it->second->used.load(std::memory_order_relaxed))
    it->second->used.store(true, std::memory_order_relaxed);
  out.verdict = key_verdict::ok;
  out.who = it->second->who;
  return out;
}

std::size_t key_registry::size() const {
  std::shared_lock lock(keys_mutex_);
  return by_hash_.size();
}

void key_registry::post(std::function<void()> task) {
  {
    std::lock_guard lock(tasks_mutex_);
    tasks_.push_back(std::move(task));
  }
  tasks_cv_.notify_one();
}

void key_registry::create(new_key_request req,
                          std::function<void(new_key_result)> done) {
  post([this, req = std::move(req), done = std::move(done)] {
    new_key_result result;
    auto err = db_->session.in_transaction(
      [&](pqxx::work& txn) { result = create_api_key(txn, req); });
    if (!err.empty()) result.error = "database: " + err;
    if (result.error.empty()) apply({result.row});
    done(std::move(result));
  });
}

void key_registry::list(std::function<void(list_result)> done) {
  post([this, done = std::move(done)] {
    list_result result;
    result.first = db_->session.in_transaction([&](pqxx::work& txn) {
      result.second = persistence::list_api_keys(txn);
    });
    done(std::move(result));
  });
}

void key_registry::revoke(std::string key_id,
                          std::function<void(revoke_result)> done) {
  post([this, key_id = std::move(key_id), done = std::move(done)] {
    revoke_result result;
    result.first = db_->session.in_transaction([&](pqxx::work& txn) {
      result.second = persistence::revoke_api_key(txn, key_id);
    });
    if (result.first.empty() && result.second) apply({*result.second});
    done(std::move(result));
  });
}

void key_registry::refresh_and_touch() {
  std::vector<std::string> used;
  {
    std::shared_lock lock(keys_mutex_);
    for (auto& [hash, e] : by_hash_)
      if (e->used.exchange(false, std::memory_order_relaxed))
        used.push_back(e->row.key_id);
  }
  auto err = db_->session.in_transaction([&](pqxx::work& txn) {
    persistence::touch_api_keys(txn, used);
    auto changes = persistence::load_api_keys_changed_since(txn, mark_);
    apply(changes.rows);
    mark_ = changes.mark;
  });
  // Keys already loaded keep working while the database is away.
  if (!err.empty()) spdlog::warn("API keys not refreshed: {}", err);
}

void key_registry::run() {
  auto next_refresh = std::chrono::steady_clock::now()
                      + std::chrono::milliseconds{refresh_ms_};
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock(tasks_mutex_);
      tasks_cv_.wait_until(lock, next_refresh,
                           [&] { return stopping_ || !tasks_.empty(); });
      if (stopping_) return;
      if (!tasks_.empty()) {
        task = std::move(tasks_.front());
        tasks_.pop_front();
      }
    }
    if (task) {
      task();
      continue;
    }
    refresh_and_touch();
    next_refresh = std::chrono::steady_clock::now()
                   + std::chrono::milliseconds{refresh_ms_};
  }
}

}  // namespace pay::gateway
