#include "pspsim/refund_store.hpp"

#include <boost/json.hpp>

#include "pspsim/check.hpp"
#include "pspsim/random_id.hpp"

namespace pay::pspsim {
namespace {

std::string refund_json(const refund_record& r) {
  boost::json::object out;
  out["id"] = r.id;
  out["object"] = "refund";
  out["amount"] = r.amount_minor;
  out["currency"] = r.currency;
  out["payment_intent"] = r.payment_intent;
  out["status"] = "succeeded";
  if (r.reason) {
    out["reason"] = *r.reason;
  } else {
    out["reason"] = nullptr;
  }
  boost::json::object metadata;
  for (const auto& [key, value] : r.metadata) metadata[key] = value;
  out["metadata"] = std::move(metadata);
  out["created"] = r.created_unix_s;
  return boost::json::serialize(out);
}

}  // namespace

refund_result refund_store::create(const refund_params& params,
                                   const std::string& key,
                                   const std::string& fingerprint,
                                   const sim_time& now) {
  std::lock_guard lock(mutex_);
  if (!key.empty()) {
    if (const auto it = keys_.find(key); it != keys_.end()) {
      if (it->second.fingerprint != fingerprint) {
        return {refund_status::key_reused_with_other_params, {}, 0};
      }
      return {refund_status::replayed, it->second.body, 0};
    }
  }
  const auto intent = intents_.view(params.payment_intent, now);
  if (!intent) return {refund_status::intent_not_found, {}, 0};
  if (intent->status != intent_status::succeeded) {
    return {refund_status::not_refundable, {}, 0};
  }
  std::int64_t& refunded = refunded_by_intent_[intent->id];
  const std::int64_t left = intent->amount_minor - refunded;
  PSPSIM_CHECK(left >= 0);
  if (!params.amount_minor && left == 0) {
    return {refund_status::already_refunded, {}, left};
  }
  const std::int64_t amount = params.amount_minor.value_or(left);
  if (amount > left) return {refund_status::amount_too_large, {}, left};
  PSPSIM_CHECK(amount > 0);

  refund_record r;
  do {
    r.id = random_id("re_");
  } while (by_id_.count(r.id) != 0);
  r.amount_minor = amount;
  r.currency = intent->currency;
  r.payment_intent = intent->id;
  r.reason = params.reason;
  r.metadata = params.metadata;
  r.created_unix_s = now.unix_s;
  r.idempotency_key = key;
  refunded += amount;
  PSPSIM_CHECK(refunded <= intent->amount_minor);
  std::string body = refund_json(r);
  if (!key.empty()) keys_[key] = key_entry{fingerprint, body};
  by_id_.emplace(r.id, refunds_.size());
  refunds_.push_back(std::move(r));
  return {refund_status::created, std::move(body), 0};
}

std::optional<std::string> refund_store::find_json(std::string_view id) const {
  std::lock_guard lock(mutex_);
  const auto it = by_id_.find(std::string(id));
  if (it == by_id_.end()) return std::nullopt;
  return refund_json(refunds_[it->second]);
}

std::vector<refund_record> refund_store::between(std::int64_t from_unix_s,
                                                 std::int64_t to_unix_s) const {
  std::lock_guard lock(mutex_);
  std::vector<refund_record> out;
  for (const auto& r : refunds_) {
    if (r.created_unix_s >= from_unix_s && r.created_unix_s < to_unix_s) {
      out.push_back(r);
    }
  }
  return out;
}

std::string refund_store::list_json() const {
  std::lock_guard lock(mutex_);
  boost::json::array data;
  for (const auto& r : refunds_) {
    auto entry = boost::json::parse(refund_json(r)).as_object();
    entry["idempotency_key"] = r.idempotency_key;
    data.push_back(std::move(entry));
  }
  return boost::json::serialize(boost::json::object{{"data", std::move(data)}});
}

void refund_store::reset() {
  std::lock_guard lock(mutex_);
  refunds_.clear();
  by_id_.clear();
  refunded_by_intent_.clear();
  keys_.clear();
}

}  // namespace pay::pspsim
