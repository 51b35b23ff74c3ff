#include "pspsim/refund_store.hpp"

#include <boost/json.hpp>

#include "pspsim/check.hpp"
#include "pspsim/random_id.hpp"
#include "pspsim/stripe_amounts.hpp"

namespace pay::pspsim {
namespace {

boost::json::object refund_object(const refund_record& r) {
  boost::json::object out;
  out["id"] = r.id;
  out["object"] = "refund";
  out["amount"] = r.amount_minor;
  out["charge"] = r.charge;
  out["currency"] = r.currency;
  out["payment_intent"] = r.payment_intent;
  out["status"] = to_string(r.state);
  if (r.reason) {
    out["reason"] = *r.reason;
  } else {
    out["reason"] = nullptr;
  }
  if (r.failure_reason.empty()) {
    out["failure_reason"] = nullptr;
  } else {
    out["failure_reason"] = r.failure_reason;
  }
  boost::json::object metadata;
  for (const auto& [key, value] : r.metadata) metadata[key] = value;
  out["metadata"] = std::move(metadata);
  out["created"] = r.created_unix_s;
  return out;
}

std::string refund_json(const refund_record& r) {
  return boost::json::serialize(refund_object(r));
}

}  // namespace

std::string_view to_string(refund_state state) {
  switch (state) {
    case refund_state::pending:
      return "pending";
    case refund_state::succeeded:
      return "succeeded";
    case refund_state::failed:
      return "failed";
  }
  return "unknown";
}

refund_store::refund_store(intent_store& intents, refund_store_config config,
                           refund_store_hooks hooks)
    : intents_(intents), config_(config), hooks_(std::move(hooks)) {
  PSPSIM_CHECK(config_.pending_delay.count() >= 0);
  PSPSIM_CHECK(config_.test_card_delay.count() >= 0);
  PSPSIM_CHECK(config_.key_ttl_s > 0);
}

refund_result refund_store::create(const refund_params& params,
                                   const std::string& key,
                                   const std::string& fingerprint,
                                   const sim_time& now) {
  std::lock_guard lock(mutex_);
  settle_due(now);
  if (!key.empty()) {
    if (const auto it = keys_.find(key);
        it != keys_.end()
        && key_expired(it->second.first_used_unix_s, now.unix_s,
                       config_.key_ttl_s)) {
      keys_.erase(it);
    }
    if (const auto it = keys_.find(key); it != keys_.end()) {
      if (it->second.fingerprint != fingerprint) {
        return {refund_status::key_reused_with_other_params, {}, 0, {}};
      }
      return {refund_status::replayed, it->second.body, 0, {}};
    }
  }
  const auto intent = intents_.view(params.payment_intent, now);
  if (!intent) return {refund_status::intent_not_found, {}, 0, {}};
  // An uncaptured authorization (requires_capture) is not refundable
  // either: it is canceled, which releases it.
  if (intent->status != intent_status::succeeded) {
    refund_result out{refund_status::not_refundable, {}, 0, {}};
    out.intent_state = intent->status;
    return out;
  }
  // What was captured: the amount, or a manual capture's part of it.
  std::int64_t& refunded = refunded_by_intent_[intent->id];
  const std::int64_t left = intent->amount_received_minor - refunded;
  PSPSIM_CHECK(left >= 0);
  if (!params.amount_minor && left == 0) {
    return {refund_status::already_refunded, {}, left, {}};
  }
  const std::int64_t amount = params.amount_minor.value_or(left);
  if (amount > left) return {refund_status::amount_too_large, {}, left, {}};
  if (check_three_decimal_amount(amount, intent->currency, "amount")) {
    return {refund_status::amount_invalid, {}, 0, intent->currency};
  }
  PSPSIM_CHECK(amount > 0);

  refund_record r;
  do {
    r.id = random_id("re_");
  } while (by_id_.count(r.id) != 0);
  r.amount_minor = amount;
  r.currency = intent->currency;
  r.payment_intent = intent->id;
  r.charge = intent->latest_charge;
  r.reason = params.reason;
  r.metadata = params.metadata;
  r.created_unix_s = now.unix_s;
  r.idempotency_key = key;
  r.ends = intent->refunds;
  switch (r.ends) {
    case refund_behaviour::normal:
      if (config_.pending_delay.count() > 0) {
        r.state = refund_state::pending;
        schedule(r, config_.pending_delay, now);
      } else {
        r.state = refund_state::succeeded;
        r.settled_unix_s = now.unix_s;
      }
      break;
    case refund_behaviour::pending_then_succeeds:
      r.state = refund_state::pending;
      schedule(r, config_.test_card_delay, now);
      break;
    case refund_behaviour::fails_later:
      // Stripe answers succeeded first; the failure comes later.
      r.state = refund_state::succeeded;
      schedule(r, config_.test_card_delay, now);
      break;
  }
  refunded += amount;
  PSPSIM_CHECK(refunded <= intent->amount_received_minor);
  ++refunds_by_intent_[intent->id];
  std::string body = refund_json(r);
  if (!key.empty()) keys_[key] = key_entry{fingerprint, body, now.unix_s};
  by_id_.emplace(r.id, refunds_.size());
  order_.emplace(r.created_unix_s, r.id);
  order_by_intent_[r.payment_intent].emplace(r.created_unix_s, r.id);
  intent_by_charge_.try_emplace(r.charge, r.payment_intent);
  refunds_.push_back(std::move(r));
  return {refund_status::created, std::move(body), 0, {}};
}

std::optional<std::string> refund_store::find_json(std::string_view id,
                                                   const sim_time& now) {
  std::lock_guard lock(mutex_);
  settle_due(now);
  const auto it = by_id_.find(std::string(id));
  if (it == by_id_.end()) return std::nullopt;
  return refund_json(refunds_[it->second]);
}

refund_list_result refund_store::list(const refund_list_query& q,
                                      const sim_time& now) {
  std::lock_guard lock(mutex_);
  settle_due(now);
  refund_list_result out;
  // Which intent's refunds, if filtered: the charge's intent and the
  // given intent must agree (else nothing is listed).
  std::optional<std::string> intent;
  if (!q.payment_intent.empty()) {
    if (!intents_.view(q.payment_intent, now)) {
      out.status = refund_list_status::intent_not_found;
      return out;
    }
    intent = q.payment_intent;
  }
  if (!q.charge.empty()) {
    std::optional<std::string> of_charge;
    if (const auto it = intent_by_charge_.find(q.charge);
        it != intent_by_charge_.end()) {
      of_charge = it->second;
    } else {
      of_charge = intents_.intent_of_charge(q.charge, now);
    }
    if (!of_charge) {
      out.status = refund_list_status::charge_not_found;
      return out;
    }
    if (intent && *intent != *of_charge) return out;
    intent = std::move(of_charge);
  }
  std::optional<list_key> cursor;
  if (const std::string& id = cursor_id(q.page); !id.empty()) {
    const auto it = by_id_.find(id);
    if (it == by_id_.end()) {
      out.status = refund_list_status::cursor_not_found;
      return out;
    }
    cursor.emplace(refunds_[it->second].created_unix_s, id);
  }
  const newest_first none;
  const newest_first* order = &order_;
  if (intent) {
    const auto it = order_by_intent_.find(*intent);
    order = it == order_by_intent_.end() ? &none : &it->second;
  }
  const list_page page = page_of(*order, q.page, cursor ? &*cursor : nullptr);
  for (const auto& id : page.ids) {
    out.data.push_back(refund_object(refunds_[by_id_.at(id)]));
  }
  out.has_more = page.has_more;
  return out;
}

std::vector<refund_record> refund_store::settled_between(
  std::int64_t from_unix_s, std::int64_t to_unix_s, const sim_time& now) {
  std::lock_guard lock(mutex_);
  settle_due(now);
  std::vector<refund_record> out;
  for (const auto& r : refunds_) {
    if (r.settled_unix_s != 0 && r.settled_unix_s >= from_unix_s
        && r.settled_unix_s < to_unix_s) {
      out.push_back(r);
    }
  }
  return out;
}

void refund_store::settle(const sim_time& now) {
  std::lock_guard lock(mutex_);
  settle_due(now);
}

std::string refund_store::list_json(const sim_time& now) {
  std::lock_guard lock(mutex_);
  settle_due(now);
  boost::json::array data;
  for (const auto& r : refunds_) {
    auto entry = refund_object(r);
    entry["idempotency_key"] = r.idempotency_key;
    data.push_back(std::move(entry));
  }
  return boost::json::serialize(boost::json::object{{"data", std::move(data)}});
}

void refund_store::note_post(std::string_view idempotency_key) {
  std::lock_guard lock(mutex_);
  if (idempotency_key.empty()) {
    ++posts_without_key_;
  } else {
    ++posts_by_key_[std::string(idempotency_key)];
  }
}

std::string refund_store::counts_json() const {
  std::lock_guard lock(mutex_);
  boost::json::object posts;
  for (const auto& [key, n] : posts_by_key_) posts[key] = n;
  boost::json::object by_intent;
  for (const auto& [intent, n] : refunds_by_intent_) by_intent[intent] = n;
  boost::json::object body;
  body["posts_by_idempotency_key"] = std::move(posts);
  body["posts_without_key"] = posts_without_key_;
  body["refunds_by_payment_intent"] = std::move(by_intent);
  return boost::json::serialize(body);
}

void refund_store::reset() {
  std::lock_guard lock(mutex_);
  refunds_.clear();
  by_id_.clear();
  order_.clear();
  order_by_intent_.clear();
  intent_by_charge_.clear();
  refunded_by_intent_.clear();
  keys_.clear();
  due_.clear();
  posts_by_key_.clear();
  posts_without_key_ = 0;
  refunds_by_intent_.clear();
}

void refund_store::schedule(const refund_record& r,
                            std::chrono::milliseconds delay,
                            const sim_time& now) {
  const auto delay_s =
    std::chrono::duration_cast<std::chrono::seconds>(delay).count();
  due_.emplace(now.steady + delay, due_entry{r.id, now.unix_s + delay_s});
  if (hooks_.wake_after) hooks_.wake_after(delay);
}

void refund_store::settle_due(const sim_time& now) {
  while (!due_.empty() && due_.begin()->first <= now.steady) {
    const due_entry entry = due_.begin()->second;
    due_.erase(due_.begin());
    refund_record& r = refunds_.at(by_id_.at(entry.refund_id));
    if (r.ends == refund_behaviour::fails_later) {
      PSPSIM_CHECK(r.state == refund_state::succeeded);
      r.state = refund_state::failed;
      r.failure_reason = std::string(refund_card_failure_reason);
      // The money is back on the intent: it may be refunded again.
      std::int64_t& refunded = refunded_by_intent_.at(r.payment_intent);
      refunded -= r.amount_minor;
      PSPSIM_CHECK(refunded >= 0);
    } else {
      PSPSIM_CHECK(r.state == refund_state::pending);
      r.state = refund_state::succeeded;
      r.settled_unix_s = entry.due_unix_s;
    }
    publish(r, entry.due_unix_s);
  }
}

void refund_store::publish(const refund_record& r, std::int64_t unix_s) {
  if (!hooks_.on_event) return;
  const std::string json = refund_json(r);
  hooks_.on_event("refund.updated", r.id, json, unix_s);
  hooks_.on_event("charge.refund.updated", r.id, json, unix_s);
}

}  // namespace pay::pspsim
