#include "pspsim/payout_store.hpp"

#include <boost/json.hpp>

#include "pspsim/check.hpp"
#include "pspsim/random_id.hpp"

namespace pay::pspsim {
namespace {

boost::json::object payout_object(const payout_record& p) {
  boost::json::object out;
  out["id"] = p.id;
  out["object"] = "payout";
  out["amount"] = p.amount_minor;
  out["currency"] = p.currency;
  if (p.destination.empty()) {
    out["destination"] = nullptr;
  } else {
    out["destination"] = p.destination;
  }
  if (p.description) {
    out["description"] = *p.description;
  } else {
    out["description"] = nullptr;
  }
  out["status"] = to_string(p.state);
  if (p.failure_code.empty()) {
    out["failure_code"] = nullptr;
  } else {
    out["failure_code"] = p.failure_code;
  }
  boost::json::object metadata;
  for (const auto& [key, value] : p.metadata) metadata[key] = value;
  out["metadata"] = std::move(metadata);
  out["created"] = p.created_unix_s;
  if (p.state == payout_state::pending) {
    out["arrival_date"] = nullptr;
  } else {
    out["arrival_date"] = p.resolved_unix_s;
  }
  out["livemode"] = false;
  return out;
}

std::string payout_json(const payout_record& p) {
  return boost::json::serialize(payout_object(p));
}

}  // namespace

std::string_view to_string(payout_state state) {
  switch (state) {
    case payout_state::pending:
      return "pending";
    case payout_state::paid:
      return "paid";
    case payout_state::failed:
      return "failed";
  }
  return "unknown";
}

payout_store::payout_store(std::chrono::milliseconds payout_delay,
                           payout_store_hooks hooks, std::int64_t key_ttl_s)
    : payout_delay_(payout_delay),
      hooks_(std::move(hooks)),
      key_ttl_s_(key_ttl_s) {
  PSPSIM_CHECK(payout_delay_.count() >= 0);
  PSPSIM_CHECK(key_ttl_s_ > 0);
}

payout_create_result payout_store::create(const payout_params& params,
                                          const std::string& key,
                                          const std::string& fingerprint,
                                          const sim_time& now) {
  PSPSIM_CHECK(!key.empty());
  std::lock_guard lock(mutex_);
  settle_due(now);
  if (const auto it = keys_.find(key);
      it != keys_.end()
      && key_expired(it->second.first_used_unix_s, now.unix_s, key_ttl_s_)) {
    keys_.erase(it);
  }
  if (const auto it = keys_.find(key); it != keys_.end()) {
    if (it->second.fingerprint != fingerprint) {
      return {payout_create_status::key_reused_with_other_params, {}};
    }
    return {payout_create_status::replayed, it->second.body};
  }
  payout_record p;
  do {
    p.id = random_id("po_");
  } while (payouts_.count(p.id) != 0);
  p.amount_minor = params.amount_minor;
  p.currency = params.currency;
  p.destination = params.destination;
  p.account = params.account;
  p.bank_closed = params.bank_closed;
  p.description = params.description;
  p.metadata = params.metadata;
  p.created_unix_s = now.unix_s;
  p.idempotency_key = key;
  if (!p.account.empty() && hooks_.reserve && !hooks_.reserve(p)) {
    return {payout_create_status::balance_insufficient, {}};
  }
  std::string body = payout_json(p);
  keys_[key] = key_entry{fingerprint, body, now.unix_s};
  const auto delay_s =
    std::chrono::duration_cast<std::chrono::seconds>(payout_delay_).count();
  const auto due = due_.emplace(now.steady + payout_delay_,
                                due_entry{p.id, now.unix_s + delay_s});
  due_by_payout_[p.id] = due;
  order_.push_back(p.id);
  order_by_account_[p.account].emplace(p.created_unix_s, p.id);
  payouts_.emplace(p.id, std::move(p));
  if (hooks_.wake_after) hooks_.wake_after(payout_delay_);
  return {payout_create_status::created, std::move(body)};
}

std::optional<std::string> payout_store::find_json(std::string_view id,
                                                   std::string_view account,
                                                   const sim_time& now) {
  std::lock_guard lock(mutex_);
  settle_due(now);
  const auto it = payouts_.find(std::string(id));
  if (it == payouts_.end() || it->second.account != account) {
    return std::nullopt;
  }
  return payout_json(it->second);
}

payout_list_result payout_store::list(std::string_view account,
                                      const page_query& q,
                                      const sim_time& now) {
  std::lock_guard lock(mutex_);
  settle_due(now);
  payout_list_result out;
  std::optional<list_key> cursor;
  if (const std::string& id = cursor_id(q); !id.empty()) {
    // Another account's pay-out is as unknown here as GET /v1/payouts/{id}
    // makes it.
    const auto it = payouts_.find(id);
    if (it == payouts_.end() || it->second.account != account) {
      out.cursor_found = false;
      return out;
    }
    cursor.emplace(it->second.created_unix_s, id);
  }
  const auto it = order_by_account_.find(std::string(account));
  if (it == order_by_account_.end()) return out;
  const list_page page = page_of(it->second, q, cursor ? &*cursor : nullptr);
  for (const auto& id : page.ids) {
    out.data.push_back(payout_object(payouts_.at(id)));
  }
  out.has_more = page.has_more;
  return out;
}

payout_fail_result payout_store::force_fail(std::string_view id,
                                            const sim_time& now) {
  std::lock_guard lock(mutex_);
  settle_due(now);
  const auto it = payouts_.find(std::string(id));
  if (it == payouts_.end()) return {payout_fail_status::not_found, {}};
  payout_record& p = it->second;
  if (p.state != payout_state::pending) {
    return {payout_fail_status::not_pending, payout_json(p)};
  }
  const auto due = due_by_payout_.find(p.id);
  PSPSIM_CHECK(due != due_by_payout_.end());
  due_.erase(due->second);
  due_by_payout_.erase(due);
  resolve(p, payout_state::failed, "account_closed", now.unix_s);
  return {payout_fail_status::failed, payout_json(p)};
}

void payout_store::settle(const sim_time& now) {
  std::lock_guard lock(mutex_);
  settle_due(now);
}

std::vector<payout_record> payout_store::paid_between(std::int64_t from_unix_s,
                                                      std::int64_t to_unix_s,
                                                      const sim_time& now) {
  std::lock_guard lock(mutex_);
  settle_due(now);
  std::vector<payout_record> out;
  for (const auto& id : order_) {
    const payout_record& p = payouts_.at(id);
    if (p.account.empty() && p.state == payout_state::paid
        && p.resolved_unix_s >= from_unix_s && p.resolved_unix_s < to_unix_s) {
      out.push_back(p);
    }
  }
  return out;
}

std::string payout_store::list_json(const sim_time& now) {
  std::lock_guard lock(mutex_);
  settle_due(now);
  boost::json::array data;
  for (const auto& id : order_) {
    const payout_record& p = payouts_.at(id);
    auto entry = boost::json::parse(payout_json(p)).as_object();
    entry["idempotency_key"] = p.idempotency_key;
    entry["account"] = p.account;
    data.push_back(std::move(entry));
  }
  return boost::json::serialize(boost::json::object{{"data", std::move(data)}});
}

void payout_store::reset() {
  std::lock_guard lock(mutex_);
  payouts_.clear();
  order_.clear();
  order_by_account_.clear();
  keys_.clear();
  due_.clear();
  due_by_payout_.clear();
}

void payout_store::settle_due(const sim_time& now) {
  while (!due_.empty() && due_.begin()->first <= now.steady) {
    const due_entry entry = due_.begin()->second;
    due_by_payout_.erase(entry.payout_id);
    due_.erase(due_.begin());
    payout_record& p = payouts_.at(entry.payout_id);
    const bool closed = p.bank_closed
                        || p.destination.compare(0,
                                                 closed_account_prefix.size(),
                                                 closed_account_prefix)
                             == 0;
    if (closed) {
      resolve(p, payout_state::failed, "account_closed", entry.due_unix_s);
    } else {
      resolve(p, payout_state::paid, {}, entry.due_unix_s);
    }
  }
}

void payout_store::resolve(payout_record& payout, payout_state state,
                           std::string failure_code, std::int64_t unix_s) {
  PSPSIM_CHECK(payout.state == payout_state::pending);
  PSPSIM_CHECK(state != payout_state::pending);
  payout.state = state;
  payout.failure_code = std::move(failure_code);
  payout.resolved_unix_s = unix_s;
  if (state == payout_state::paid) payout.fee_reference = random_id("fee_");
  if (state == payout_state::failed && !payout.account.empty()
      && hooks_.release) {
    hooks_.release(payout);
  }
  if (hooks_.on_event) {
    hooks_.on_event(state == payout_state::paid ? "payout.paid"
                                                : "payout.failed",
                    payout.id, payout_json(payout), unix_s, payout.account);
  }
}

}  // namespace pay::pspsim
