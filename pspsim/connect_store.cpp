#include "pspsim/connect_store.hpp"

#include <boost/json.hpp>

#include "pspsim/check.hpp"
#include "pspsim/json_values.hpp"
#include "pspsim/random_id.hpp"

namespace pay::pspsim {

connect_store::connect_store(std::int64_t key_ttl_s)
    : account_keys_(key_ttl_s),
      transfer_keys_(key_ttl_s),
      reversal_keys_(key_ttl_s) {
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

std::string connect_store::email_of(std::string_view id) const {
  std::lock_guard lock(mutex_);
  const auto it = accounts_.find(std::string(id));
  if (it == accounts_.end() || !it->second.params.email) return {};
  return *it->second.params.email;
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
  t.idempotency_key = key;
  balances_[{params.destination, params.currency}] += params.amount_minor;
  std::string body = transfer_json(t);
  transfer_keys_.store(key, fingerprint, body, now.unix_s);
  const list_key order_key{t.created_unix_s, t.id};
  transfer_order_.insert(order_key);
  transfers_by_destination_[params.destination].insert(order_key);
  if (params.transfer_group) {
    transfers_by_group_[*params.transfer_group].insert(order_key);
  }
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

transfer_list_result connect_store::list_transfers(
  const transfer_list_query& q) const {
  std::lock_guard lock(mutex_);
  transfer_list_result out;
  std::optional<list_key> cursor;
  if (const std::string& id = cursor_id(q.page); !id.empty()) {
    const auto it = transfers_.find(id);
    if (it == transfers_.end()) {
      out.cursor_found = false;
      return out;
    }
    cursor.emplace(it->second.created_unix_s, id);
  }
  const newest_first none;
  const auto index = [&none](const auto& by, const std::string& value) {
    const auto it = by.find(value);
    return it == by.end() ? &none : &it->second;
  };
  const newest_first* order = &transfer_order_;
  newest_first both;  // both filters: the group's transfers to destination
  if (!q.destination.empty() && !q.transfer_group.empty()) {
    for (const auto& key : *index(transfers_by_group_, q.transfer_group)) {
      if (transfers_.at(key.second).params.destination == q.destination) {
        both.insert(key);
      }
    }
    order = &both;
  } else if (!q.destination.empty()) {
    order = index(transfers_by_destination_, q.destination);
  } else if (!q.transfer_group.empty()) {
    order = index(transfers_by_group_, q.transfer_group);
  }
  const list_page page = page_of(*order, q.page, cursor ? &*cursor : nullptr);
  for (const auto& id : page.ids) {
    out.data.push_back(transfer_object(transfers_.at(id)));
  }
  out.has_more = page.has_more;
  return out;
}

connect_result connect_store::create_reversal(std::string_view transfer,
                                              const reversal_params& params,
                                              const std::string& key,
                                              const std::string& fingerprint,
                                              const sim_time& now) {
  std::lock_guard lock(mutex_);
  // A replay answers the reversal it made, even once nothing is left.
  const key_found found = reversal_keys_.find(key, fingerprint, now.unix_s);
  if (found.kind == key_lookup::conflict) {
    return {connect_status::key_reused_with_other_params, {}};
  }
  if (found.kind == key_lookup::replay) {
    return {connect_status::replayed, found.body};
  }
  const auto it = transfers_.find(std::string(transfer));
  if (it == transfers_.end()) return {connect_status::no_such_transfer, {}};
  transfer_record& t = it->second;
  const std::int64_t left = t.params.amount_minor - t.amount_reversed_minor;
  if (left <= 0) return {connect_status::already_reversed, {}};
  const std::int64_t amount = params.amount_minor.value_or(left);
  if (amount > left) return {connect_status::amount_too_large, {}, left};
  reversal_record r;
  do {
    r.id = random_id("trr_");
  } while (transfer_of_reversal_.count(r.id) != 0);
  r.transfer = t.id;
  r.amount_minor = amount;
  r.currency = t.params.currency;
  r.params = params;
  r.created_unix_s = now.unix_s;
  r.idempotency_key = key;
  // The destination may have paid the money out already: its balance then
  // goes negative (and its pay-outs are refused until transfers make it up)
  // rather than the reversal being refused. Stripe may refuse a reversal
  // the destination cannot cover; pspsim keeps the platform's claim.
  balances_[{t.params.destination, t.params.currency}] -= amount;
  t.amount_reversed_minor += amount;
  std::string body = reversal_json(r);
  reversal_keys_.store(key, fingerprint, body, now.unix_s);
  reversal_order_.emplace(r.created_unix_s, r.id);
  transfer_of_reversal_.emplace(r.id, t.id);
  t.reversals.push_back(std::move(r));
  return {connect_status::created, std::move(body)};
}

std::vector<transfer_record> connect_store::transfers_between(
  std::int64_t from_unix_s, std::int64_t to_unix_s) const {
  std::lock_guard lock(mutex_);
  std::vector<transfer_record> out;
  // Ids are never empty: (to, "") sorts after every key created at `to`, so
  // lower_bound finds the newest key created before it.
  for (auto it = transfer_order_.lower_bound({to_unix_s, ""});
       it != transfer_order_.end() && it->first >= from_unix_s; ++it) {
    out.push_back(transfers_.at(it->second));
  }
  return out;
}

std::vector<reversal_record> connect_store::reversals_between(
  std::int64_t from_unix_s, std::int64_t to_unix_s) const {
  std::lock_guard lock(mutex_);
  std::vector<reversal_record> out;
  for (auto it = reversal_order_.lower_bound({to_unix_s, ""});
       it != reversal_order_.end() && it->first >= from_unix_s; ++it) {
    const transfer_record& t = transfers_.at(
      transfer_of_reversal_.at(it->second));
    for (const auto& r : t.reversals) {
      if (r.id == it->second) out.push_back(r);
    }
  }
  return out;
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
  transfer_order_.clear();
  transfers_by_destination_.clear();
  transfers_by_group_.clear();
  reversal_order_.clear();
  transfer_of_reversal_.clear();
  balances_.clear();
  account_keys_.clear();
  transfer_keys_.clear();
  reversal_keys_.clear();
}

}  // namespace pay::pspsim
