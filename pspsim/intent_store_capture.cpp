// The intent store's manual-capture half: capture, cancel, the expiry of
// authorizations nobody captured and of challenges nobody answered, and the
// idempotency keys those requests share with create (intent_store.cpp).
#include <boost/json/serialize.hpp>

#include "pspsim/check.hpp"
#include "pspsim/intent_json.hpp"
#include "pspsim/intent_store.hpp"
#include "pspsim/stripe_amounts.hpp"

namespace pay::pspsim {
namespace {

// Stripe's reason for an authorization it released by itself.
constexpr std::string_view expired_uncaptured_reason = "automatic";
constexpr std::string_view expired_action_reason = "abandoned";

action_result only(action_status status) {
  action_result out;
  out.status = status;
  return out;
}

action_result answered(action_status status, std::string body) {
  action_result out;
  out.status = status;
  out.body = std::move(body);
  return out;
}

boost::json::value unix_or_null(std::int64_t unix_s) {
  if (unix_s == 0) return nullptr;
  return unix_s;
}

}  // namespace

intent_store::key_lookup intent_store::look_up_key(
  const std::string& key, const std::string& fingerprint, const sim_time& now,
  const key_entry** entry) {
  if (key.empty()) return key_lookup::fresh;
  if (const auto it = keys_.find(key);
      it != keys_.end()
      && key_expired(it->second.first_used_unix_s, now.unix_s, key_ttl_s_)) {
    keys_.erase(it);
  }
  const auto it = keys_.find(key);
  if (it == keys_.end()) return key_lookup::fresh;
  if (it->second.fingerprint != fingerprint) {
    ++stats_.idempotency_conflicts;
    return key_lookup::conflict;
  }
  ++stats_.replays;
  *entry = &it->second;
  return key_lookup::replay;
}

action_result intent_store::acted(const payment_intent& intent,
                                  bool expand_charge, const std::string& key,
                                  const std::string& fingerprint,
                                  const sim_time& now) {
  emit(intent);
  std::string body = boost::json::serialize(
    intent_to_json(intent, expand_charge));
  if (!key.empty())
    keys_[key] = key_entry{fingerprint, 200, body, intent.id, now.unix_s};
  return answered(action_status::done, std::move(body));
}

action_result intent_store::unexpected_state(const payment_intent& intent,
                                             bool expand_charge) const {
  action_result out;
  out.status = action_status::unexpected_state;
  out.intent = intent_to_json(intent, expand_charge);
  out.intent_state = intent.status;
  return out;
}

payment_intent* intent_store::acted_on(std::string_view id,
                                       const std::string& key,
                                       const std::string& fingerprint,
                                       const sim_time& now,
                                       action_result& instead) {
  settle_due(now);
  const key_entry* known = nullptr;
  switch (look_up_key(key, fingerprint, now, &known)) {
    case key_lookup::conflict:
      instead = only(action_status::key_reused_with_other_params);
      return nullptr;
    case key_lookup::replay:
      instead = answered(action_status::replayed, known->body);
      return nullptr;
    case key_lookup::fresh:
      break;
  }
  const auto it = intents_.find(std::string(id));
  if (it == intents_.end()) {
    instead = only(action_status::not_found);
    return nullptr;
  }
  return &it->second;
}

action_result intent_store::capture(std::string_view id,
                                    const capture_request& request,
                                    const std::string& key,
                                    const std::string& fingerprint,
                                    const sim_time& now) {
  std::lock_guard lock(mutex_);
  action_result instead;
  payment_intent* found = acted_on(id, key, fingerprint, now, instead);
  if (!found) return instead;
  payment_intent& intent = *found;
  if (intent.status != intent_status::requires_capture) {
    ++stats_.captures_refused;
    return unexpected_state(intent, request.expand_charge);
  }
  const std::int64_t amount = request.amount_minor.value_or(
    intent.amount_capturable_minor);
  if (amount > intent.amount_capturable_minor) {
    auto out = only(action_status::amount_out_of_range);
    out.capturable_minor = intent.amount_capturable_minor;
    return out;
  }
  if (check_three_decimal_amount(amount, intent.currency,
                                 "amount_to_capture")) {
    auto out = only(action_status::amount_invalid);
    out.currency = intent.currency;
    return out;
  }
  capture_locked(intent, amount, now.unix_s);
  ++stats_.captures;
  stats_.captured_minor += amount;
  return acted(intent, request.expand_charge, key, fingerprint, now);
}

action_result intent_store::cancel(std::string_view id,
                                   const cancel_request& request,
                                   const std::string& key,
                                   const std::string& fingerprint,
                                   const sim_time& now) {
  std::lock_guard lock(mutex_);
  action_result instead;
  payment_intent* found = acted_on(id, key, fingerprint, now, instead);
  if (!found) return instead;
  payment_intent& intent = *found;
  switch (intent.status) {
    case intent_status::requires_payment_method:
    case intent_status::requires_action:
    case intent_status::requires_capture:
      break;
    // Stripe refuses these: money moved (or is moving) already, or the
    // intent is canceled.
    case intent_status::processing:
    case intent_status::succeeded:
    case intent_status::canceled:
      return unexpected_state(intent, request.expand_charge);
  }
  cancel_locked(intent, request.reason, now.unix_s);
  ++stats_.cancels;
  return acted(intent, request.expand_charge, key, fingerprint, now);
}

void intent_store::expire_first(const sim_time& now) {
  const auto first = expiring_.begin();
  const std::int64_t at_unix_s = first->first;
  const expiry_entry entry = first->second;
  expiring_.erase(first);
  PSPSIM_CHECK(at_unix_s <= now.unix_s);
  const auto it = intents_.find(entry.intent_id);
  PSPSIM_CHECK(it != intents_.end());
  payment_intent& intent = it->second;
  // Dated when it fell due, not when someone looked.
  if (entry.kind == expiry_kind::uncaptured
      && intent.status == intent_status::requires_capture) {
    cancel_locked(intent, std::string(expired_uncaptured_reason), at_unix_s);
    ++stats_.automatic_expiries;
    emit(intent);
  } else if (entry.kind == expiry_kind::action
             && intent.status == intent_status::requires_action) {
    cancel_locked(intent, std::string(expired_action_reason), at_unix_s);
    ++stats_.abandoned_expiries;
    emit(intent);
  }
}

void intent_store::capture_locked(payment_intent& intent,
                                  std::int64_t amount_minor,
                                  std::int64_t unix_s) {
  PSPSIM_CHECK(intent.status == intent_status::requires_capture);
  PSPSIM_CHECK(amount_minor > 0
               && amount_minor <= intent.amount_capturable_minor);
  charge_record& charge = charges_.at(charge_index_.at(intent.id));
  if (charge.captured_unix_s != 0 || intent.captured_unix_s != 0) {
    ++stats_.double_captures;
  }
  charge.amount_captured_minor = amount_minor;
  charge.captured_unix_s = unix_s;
  intent.amount_received_minor = amount_minor;
  intent.amount_capturable_minor = 0;  // the rest is released
  intent.captured_unix_s = unix_s;
  intent.status = intent_status::succeeded;
}

void intent_store::cancel_locked(payment_intent& intent, std::string reason,
                                 std::int64_t unix_s) {
  if (intent.pending != pending_kind::none) {
    unschedule(intent.id);
    intent.pending = pending_kind::none;
    PSPSIM_CHECK(pending_count_ > 0);
    --pending_count_;
  }
  intent.amount_capturable_minor = 0;  // an authorization is released
  intent.status = intent_status::canceled;
  intent.canceled_at_unix_s = unix_s;
  intent.cancellation_reason = std::move(reason);
}

std::optional<std::string> intent_store::money_json(std::string_view id,
                                                    const sim_time& now) {
  std::lock_guard lock(mutex_);
  settle_due(now);
  const auto it = intents_.find(std::string(id));
  if (it == intents_.end()) return std::nullopt;
  const payment_intent& intent = it->second;
  const std::int64_t authorized = intent.charge_paid ? intent.amount_minor : 0;
  const bool over = intent.status == intent_status::succeeded
                    || intent.status == intent_status::canceled;
  boost::json::object out;
  out["id"] = intent.id;
  out["status"] = to_string(intent.status);
  out["capture_method"] = to_string(intent.capture);
  out["currency"] = intent.currency;
  out["amount"] = intent.amount_minor;
  out["amount_authorized"] = authorized;
  out["amount_captured"] = intent.amount_received_minor;
  out["amount_capturable"] = intent.amount_capturable_minor;
  // What the buyer's bank was told to let go of: the uncaptured rest of
  // a partial capture, or a whole authorization canceled.
  out["amount_released"] = over ? authorized - intent.amount_received_minor : 0;
  if (intent.latest_charge.empty()) {
    out["charge"] = nullptr;
  } else {
    out["charge"] = intent.latest_charge;
  }
  out["authorized_at"] = unix_or_null(
    intent.charge_paid ? intent.charge_created_unix_s : 0);
  out["captured_at"] = unix_or_null(intent.captured_unix_s);
  out["canceled_at"] = unix_or_null(intent.canceled_at_unix_s.value_or(0));
  if (intent.cancellation_reason.empty()) {
    out["cancellation_reason"] = nullptr;
  } else {
    out["cancellation_reason"] = intent.cancellation_reason;
  }
  return boost::json::serialize(out);
}

}  // namespace pay::pspsim
