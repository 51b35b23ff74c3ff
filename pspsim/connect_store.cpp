#include "pspsim/connect_store.hpp"

#include <boost/json.hpp>

#include "pspsim/check.hpp"
#include "pspsim/json_values.hpp"
#include "pspsim/random_id.hpp"

namespace pay::pspsim {

connect_store::connect_store(std::int64_t key_ttl_s)
    : account_keys_(key_ttl_s), transfer_keys_(key_ttl_s) {
  PSPSIM_CHECK(key_ttl_s > 0);
}

std::string connect_store::account_json(const account_record& a) {
  boost::json::object capabilities;
  if (a.params.transfers_requested) capabilities["transfers"] = "active";
  if (a.params.card_payments_requested) {
    capabilities["card_payments"] = "active";
  }
  boost::json::object out;
  out["id"] = a.id;
  out["object"] = "account";
  out["type"] = a.params.type;
  out["country"] = optional_json(a.params.country);
  out["email"] = optional_json(a.params.email);
  out["capabilities"] = std::move(capabilities);
  out["charges_enabled"] = a.params.card_payments_requested;
  out["payouts_enabled"] = true;
  out["metadata"] = metadata_json(a.params.metadata);
  out["created"] = a.created_unix_s;
  return boost::json::serialize(out);
}

std::string connect_store::transfer_json(const transfer_record& t) {
  boost::json::object out;
  out["id"] = t.id;
  out["object"] = "transfer";
  out["amount"] = t.params.amount_minor;
  out["currency"] = t.params.currency;
  out["destination"] = t.params.destination;
  out["transfer_group"] = optional_json(t.params.transfer_group);
  out["source_transaction"] = optional_json(t.params.source_transaction);
  out["description"] = optional_json(t.params.description);
  out["metadata"] = metadata_json(t.params.metadata);
  out["reversed"] = false;
  out["created"] = t.created_unix_s;
  return boost::json::serialize(out);
}

connect_result connect_store::create_account(const account_params& params,
                                             const std::string& key,
                                             const std::string& fingerprint,
                                             const sim_time& now) {
  std::lock_guard lock(mutex_);
  const key_found found = account_keys_.find(key, fingerprint, now.unix_s);
  if (found.kind == key_lookup::conflict) {
    return {connect_status::key_reused_with_other_params, {}};
  }
  if (found.kind == key_lookup::replay) {
    return {connect_status::replayed, found.body};
  }
  account_record a;
  do {
    a.id = random_id("acct_");
  } while (accounts_.count(a.id) != 0);
  a.params = params;
  a.created_unix_s = now.unix_s;
  std::string body = account_json(a);
  account_keys_.store(key, fingerprint, body, now.unix_s);
  accounts_.emplace(a.id, std::move(a));
  return {connect_status::created, std::move(body)};
}

std::optional<std::string> connect_store::find_account_json(
  std::string_view id) const {
  std::lock_guard lock(mutex_);
  const auto it = accounts_.find(std::string(id));
  if (it == accounts_.end()) return std::nullopt;
  return account_json(it->second);
}

bool connect_store::has_account(std::string_view id) const {
  std::lock_guard lock(mutex_);
  return accounts_.count(std::string(id)) != 0;
}

connect_result connect_store::create_transfer(const transfer_params& params,
                                              const std::string& key,
                                              const std::string& fingerprint,
                                              const sim_time& now) {
  std::lock_guard lock(mutex_);
  const key_found found = transfer_keys_.find(key, fingerprint, now.unix_s);
  if (found.kind == key_lookup::conflict) {
    return {connect_status::key_reused_with_other_params, {}};
  }
  if (found.kind == key_lookup::replay) {
    return {connect_status::replayed, found.body};
  }
  const auto destination = accounts_.find(params.destination);
  if (destination == accounts_.end()) {
    return {connect_status::no_such_destination, {}};
  }
  if (!destination->second.params.transfers_requested) {
    return {connect_status::destination_cannot_receive, {}};
  }
  transfer_record t;
  do {
    t.id = random_id("tr_");
  } while (transfers_.count(t.id) != 0);
  t.params = params;
  t.created_unix_s = now.unix_s;
  balances_[{params.destination, params.currency}] += params.amount_minor;
  std::string body = transfer_json(t);
  transfer_keys_.store(key, fingerprint, body, now.unix_s);
  transfers_.emplace(t.id, std::move(t));
  return {connect_status::created, std::move(body)};
}

std::optional<std::string> connect_store::find_transfer_json(
  std::string_view id) const {
  std::lock_guard lock(mutex_);
  const auto it = transfers_.find(std::string(id));
  if (it == transfers_.end()) return std::nullopt;
  return transfer_json(it->second);
}

bool connect_store::reserve(std::string_view account, std::string_view currency,
                            std::int64_t amount_minor) {
  std::lock_guard lock(mutex_);
  std::int64_t& available =
    balances_[{std::string(account), std::string(currency)}];
  if (available < amount_minor) return false;
  available -= amount_minor;
  return true;
}

void connect_store::release(std::string_view account, std::string_view currency,
                            std::int64_t amount_minor) {
  std::lock_guard lock(mutex_);
  balances_[{std::string(account), std::string(currency)}] += amount_minor;
}

std::optional<std::string> connect_store::balance_json(
  std::string_view account) const {
  std::lock_guard lock(mutex_);
  if (accounts_.count(std::string(account)) == 0) return std::nullopt;
  boost::json::array available;
  for (const auto& [owner, amount] : balances_) {
    if (owner.first != account) continue;
    available.push_back(
      boost::json::object{{"amount", amount}, {"currency", owner.second}});
  }
  boost::json::object out;
  out["object"] = "balance";
  out["available"] = std::move(available);
  return boost::json::serialize(out);
}

void connect_store::reset() {
  std::lock_guard lock(mutex_);
  accounts_.clear();
  transfers_.clear();
  balances_.clear();
  account_keys_.clear();
  transfer_keys_.clear();
}

}  // namespace pay::pspsim
