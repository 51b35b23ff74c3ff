#include "pspsim/intent_store.hpp"

#include <boost/json/serialize.hpp>

#include "pspsim/check.hpp"
#include "pspsim/intent_json.hpp"
#include "pspsim/random_id.hpp"

namespace pay::pspsim {
namespace {

// 62^24 ids make a collision all but impossible; the retry only turns
// "all but" into "never", and an exhausted budget is our bug.
constexpr int id_attempts_max = 8;

// Stripe's error for a failed 3-D Secure challenge (no decline_code).
payment_error authentication_failure() {
  return {"payment_intent_authentication_failure", "",
          "The provided PaymentMethod has failed authentication."};
}

payment_error review_rejection() {
  return {"card_declined", "fraudulent", "The payment was rejected in review."};
}

std::string_view event_type_of(intent_status status) {
  switch (status) {
    case intent_status::processing:
      return "payment_intent.processing";
    case intent_status::succeeded:
      return "payment_intent.succeeded";
    case intent_status::requires_payment_method:
      return "payment_intent.payment_failed";
    case intent_status::requires_action:
      return "payment_intent.requires_action";
    case intent_status::requires_capture:
      return "payment_intent.amount_capturable_updated";
    case intent_status::canceled:
      return "payment_intent.canceled";
  }
  check_failed("a known intent_status", __FILE__, __LINE__);
}

}  // namespace

intent_store::intent_store(std::size_t intents_max,
                           std::chrono::milliseconds processing_delay,
                           pending_config pending, intent_store_hooks hooks,
                           std::int64_t key_ttl_s)
    : intents_max_(intents_max),
      processing_delay_(processing_delay),
      pending_config_(pending),
      hooks_(std::move(hooks)),
      key_ttl_s_(key_ttl_s) {
  PSPSIM_CHECK(key_ttl_s_ > 0);
  PSPSIM_CHECK(intents_max_ > 0);
  PSPSIM_CHECK(processing_delay_.count() >= 0);
  PSPSIM_CHECK(pending_config_.three_ds_delay.count() >= 0);
  PSPSIM_CHECK(pending_config_.review_delay.count() >= 0);
  PSPSIM_CHECK(pending_config_.capture_window_s > 0);
  PSPSIM_CHECK(pending_config_.action_expiry_s > 0);
}

create_result intent_store::create(const create_params& params,
                                   const std::string& key,
                                   const std::string& fingerprint,
                                   const sim_time& now) {
  std::lock_guard lock(mutex_);
  settle_due(now);
  const key_entry* known = nullptr;
  switch (look_up_key(key, fingerprint, now, &known)) {
    case key_lookup::conflict:
      return {create_status::key_reused_with_other_params, 0, {}, {}};
    case key_lookup::replay:
      return {create_status::replayed, known->http_status, known->body,
              known->intent_id};
    case key_lookup::fresh:
      break;
  }
  if (intents_.size() >= intents_max_) {
    return {create_status::intents_exhausted, 0, {}, {}};
  }

  payment_intent intent;
  intent.id = unused_intent_id();
  intent.amount_minor = params.amount_minor;
  intent.currency = params.currency;
  intent.payment_method = params.payment_method;
  intent.card = params.card;
  intent.capture = params.capture;
  intent.metadata = params.metadata;
  intent.description = params.description;
  intent.created_unix_s = now.unix_s;
  intent.idempotency_key = params.recorded_key.value_or(key);
  intent.checkout_session = params.checkout_session;
  intent.client_secret = random_id(intent.id + "_secret_");
  intent.refunds = params.refunds;
  if (params.outcome == card_outcome::three_ds_required
      && !params.return_url.empty()) {
    intent.return_url = params.return_url;
    intent.action_url = params.action_page_base + "/authenticate/" + intent.id;
  }
  key_entry* entry = nullptr;
  if (!key.empty()) {
    entry = &keys_[key];
    entry->fingerprint = fingerprint;
    entry->intent_id = intent.id;
    entry->first_used_unix_s = now.unix_s;
  }
  if (!intent.idempotency_key.empty()) {
    charges_by_key_.try_emplace(intent.idempotency_key, 0);
  }

  const auto decline = decline_of(params.outcome);
  if (decline) {
    intent.status = intent_status::requires_payment_method;
    intent.last_payment_error = payment_error{
      std::string(decline->code), std::string(decline->decline_code),
      std::string(decline->message)};
    ++stats_.declines;
    record_failed_charge(intent, now.unix_s);
  } else if (params.outcome == card_outcome::succeeds) {
    record_charge(intent, now.unix_s);
  } else {
    start_pending(intent, params.outcome, params.buyer_completes_action, now);
  }

  create_result result{
    create_status::created, decline ? 402u : 200u, {}, intent.id};
  result.body = decline ? decline_body(intent, params.expand_charge)
                        : boost::json::serialize(
                          intent_to_json(intent, params.expand_charge));
  if (entry) {
    entry->http_status = result.http_status;
    entry->body = result.body;
  }
  const std::string id = intent.id;
  const auto [it, inserted] = intents_.emplace(id, std::move(intent));
  PSPSIM_CHECK(inserted);
  order_.emplace(it->second.created_unix_s, id);
  emit(it->second);
  return result;
}

std::optional<std::string> intent_store::find_json(std::string_view id,
                                                   const sim_time& now,
                                                   bool expand_charge) {
  std::lock_guard lock(mutex_);
  settle_due(now);
  const auto it = intents_.find(std::string(id));
  if (it == intents_.end()) return std::nullopt;
  return boost::json::serialize(intent_to_json(it->second, expand_charge));
}

resolve_result intent_store::complete_action(std::string_view id, bool succeed,
                                             const sim_time& now) {
  return resolve(id, pending_kind::three_ds, succeed, now);
}

resolve_result intent_store::finish_review(std::string_view id, bool approve,
                                           const sim_time& now) {
  return resolve(id, pending_kind::review, approve, now);
}

void intent_store::settle(const sim_time& now) {
  std::lock_guard lock(mutex_);
  settle_due(now);
}

std::string intent_store::charges_json(const sim_time& now) {
  std::lock_guard lock(mutex_);
  settle_due(now);
  boost::json::array data;
  data.reserve(charges_.size());
  for (const auto& charge : charges_) data.push_back(charge_to_json(charge));
  boost::json::object body;
  body["data"] = std::move(data);
  return boost::json::serialize(body);
}

std::string intent_store::idempotency_keys_json(const sim_time& now) {
  std::lock_guard lock(mutex_);
  settle_due(now);
  boost::json::object body;
  for (const auto& [key, charges] : charges_by_key_) body[key] = charges;
  return boost::json::serialize(body);
}

namespace {

intent_view view_of(const payment_intent& intent) {
  intent_view out;
  out.id = intent.id;
  out.status = intent.status;
  out.amount_minor = intent.amount_minor;
  out.amount_received_minor = intent.amount_received_minor;
  out.currency = intent.currency;
  out.idempotency_key = intent.idempotency_key;
  out.latest_charge = intent.latest_charge;
  out.refunds = intent.refunds;
  out.metadata = intent.metadata;
  return out;
}

}  // namespace

std::optional<intent_view> intent_store::view(std::string_view id,
                                              const sim_time& now) {
  std::lock_guard lock(mutex_);
  settle_due(now);
  const auto it = intents_.find(std::string(id));
  if (it == intents_.end()) return std::nullopt;
  return view_of(it->second);
}

intent_list_result intent_store::list(const page_query& q,
                                      const sim_time& now) {
  std::lock_guard lock(mutex_);
  settle_due(now);
  intent_list_result out;
  std::optional<list_key> cursor;
  if (const std::string& id = cursor_id(q); !id.empty()) {
    const auto it = intents_.find(id);
    if (it == intents_.end()) {
      out.cursor_found = false;
      return out;
    }
    cursor.emplace(it->second.created_unix_s, id);
  }
  const list_page page = page_of(order_, q, cursor ? &*cursor : nullptr);
  for (const auto& id : page.ids) {
    out.data.push_back(intent_to_json(intents_.at(id)));
  }
  out.has_more = page.has_more;
  return out;
}

std::optional<std::string> intent_store::intent_of_charge(
  std::string_view charge_id, const sim_time& now) {
  std::lock_guard lock(mutex_);
  settle_due(now);
  for (const auto& charge : charges_) {
    if (charge.id == charge_id) return charge.payment_intent;
  }
  return std::nullopt;
}

std::vector<settled_charge> intent_store::charges_between(
  std::int64_t from_unix_s, std::int64_t to_unix_s, const sim_time& now) {
  std::lock_guard lock(mutex_);
  settle_due(now);
  std::vector<settled_charge> out;
  for (const auto& charge : charges_) {
    // Uncaptured (and so released) authorizations never settle.
    if (charge.captured_unix_s != 0 && charge.captured_unix_s >= from_unix_s
        && charge.captured_unix_s < to_unix_s) {
      out.push_back({charge, intents_.at(charge.payment_intent).metadata});
    }
  }
  return out;
}

std::optional<payment_intent> intent_store::find(std::string_view id,
                                                 const sim_time& now) {
  std::lock_guard lock(mutex_);
  settle_due(now);
  const auto it = intents_.find(std::string(id));
  if (it == intents_.end()) return std::nullopt;
  return it->second;
}

std::optional<payment_intent> intent_store::hold_for_buyer(
  std::string_view id, const sim_time& now) {
  std::lock_guard lock(mutex_);
  settle_due(now);
  const auto it = intents_.find(std::string(id));
  if (it == intents_.end()) return std::nullopt;
  if (it->second.pending == pending_kind::three_ds) unschedule(it->second.id);
  return it->second;
}

std::optional<intent_view> intent_store::succeed_silently_if_pending(
  std::string_view id, const sim_time& now) {
  std::lock_guard lock(mutex_);
  settle_due(now);
  const auto it = intents_.find(std::string(id));
  if (it == intents_.end()) return std::nullopt;
  payment_intent& intent = it->second;
  const intent_view before = view_of(intent);
  if (intent.pending == pending_kind::none) return before;
  unschedule(intent.id);
  intent.pending = pending_kind::none;
  PSPSIM_CHECK(pending_count_ > 0);
  --pending_count_;
  if (!intent.review_note.empty()) {
    intent.review_note = "approved: by a settlement status_mismatch";
  }
  record_charge(intent, now.unix_s);
  if (intent.status == intent_status::requires_capture) {
    capture_locked(intent, intent.amount_capturable_minor, now.unix_s);
  }
  return before;
}

store_stats intent_store::stats(const sim_time& now) {
  std::lock_guard lock(mutex_);
  settle_due(now);
  store_stats out = stats_;
  out.intents = intents_.size();
  out.processing = pending_count_;
  out.requests = requests_.load(std::memory_order_relaxed);
  return out;
}

void intent_store::reset() {
  std::lock_guard lock(mutex_);
  intents_.clear();
  order_.clear();
  keys_.clear();
  charges_by_key_.clear();
  charges_.clear();
  charge_index_.clear();
  expiring_.clear();
  due_.clear();
  due_by_intent_.clear();
  pending_count_ = 0;
  stats_ = {};
  requests_.store(0, std::memory_order_relaxed);
}

void intent_store::start_pending(payment_intent& intent, card_outcome outcome,
                                 bool buyer_completes_action,
                                 const sim_time& now) {
  std::chrono::milliseconds delay{0};
  if (outcome == card_outcome::processing) {
    intent.status = intent_status::processing;
    intent.pending = pending_kind::processing;
    delay = processing_delay_;
  } else if (outcome == card_outcome::three_ds_required) {
    intent.status = intent_status::requires_action;
    intent.pending = pending_kind::three_ds;
    delay = pending_config_.three_ds_delay;
  } else {
    PSPSIM_CHECK(outcome == card_outcome::review);
    intent.status = intent_status::processing;
    intent.pending = pending_kind::review;
    intent.review_note = "open: pspsim resolves the review after "
                         + std::to_string(pending_config_.review_delay.count())
                         + " ms unless POST /sim/payment_intents/" + intent.id
                         + "/review decides first";
    delay = pending_config_.review_delay;
  }
  ++pending_count_;
  if (intent.pending == pending_kind::three_ds) {
    expiring_.emplace(now.unix_s + pending_config_.action_expiry_s,
                      expiry_entry{intent.id, expiry_kind::action});
  }
  if (buyer_completes_action && intent.pending == pending_kind::three_ds)
    return;
  const auto delay_s =
    std::chrono::duration_cast<std::chrono::seconds>(delay).count();
  const auto it = due_.emplace(now.steady + delay,
                               pending_entry{intent.id, now.unix_s + delay_s});
  due_by_intent_[intent.id] = it;
  if (hooks_.wake_after) hooks_.wake_after(delay);
}

// Delays run on the steady clock, expiries on unix seconds; both move with
// /sim/clock/advance. Whichever fell due first goes first, so a challenge
// that expired before its timer would have passed it stays expired.
void intent_store::settle_due(const sim_time& now) {
  for (;;) {
    const bool pending_due = !due_.empty() && due_.begin()->first <= now.steady;
    const bool expiry_due = !expiring_.empty()
                            && expiring_.begin()->first <= now.unix_s;
    if (!pending_due && !expiry_due) return;
    if (pending_due
        && (!expiry_due
            || due_.begin()->second.due_unix_s <= expiring_.begin()->first)) {
      resolve_first_pending();
    } else {
      expire_first(now);
    }
  }
}

void intent_store::resolve_first_pending() {
  const pending_entry entry = due_.begin()->second;
  due_by_intent_.erase(entry.intent_id);
  due_.erase(due_.begin());
  const auto it = intents_.find(entry.intent_id);
  PSPSIM_CHECK(it != intents_.end());
  payment_intent& intent = it->second;
  if (intent.pending == pending_kind::three_ds
      && !pending_config_.three_ds_succeeds) {
    fail(intent, authentication_failure());
  } else {
    if (intent.pending == pending_kind::review) {
      intent.review_note = "approved: resolved after the review delay";
    }
    succeed(intent, entry.due_unix_s);
  }
}

resolve_result intent_store::resolve(std::string_view id, pending_kind expected,
                                     bool succeed_it, const sim_time& now) {
  std::lock_guard lock(mutex_);
  settle_due(now);
  const auto it = intents_.find(std::string(id));
  if (it == intents_.end()) return {resolve_status::not_found, {}};
  payment_intent& intent = it->second;
  if (intent.pending != expected) {
    return {resolve_status::not_pending,
            boost::json::serialize(intent_to_json(intent))};
  }
  unschedule(intent.id);
  if (expected == pending_kind::review) {
    intent.review_note = succeed_it ? "approved: by POST /sim/.../review"
                                    : "rejected: by POST /sim/.../review";
  }
  if (succeed_it) {
    succeed(intent, now.unix_s);
  } else if (expected == pending_kind::review) {
    fail(intent, review_rejection());
  } else {
    fail(intent, authentication_failure());
  }
  return {resolve_status::resolved,
          boost::json::serialize(intent_to_json(intent))};
}

void intent_store::succeed(payment_intent& intent,
                           std::int64_t created_unix_s) {
  PSPSIM_CHECK(intent.pending != pending_kind::none);
  intent.pending = pending_kind::none;
  PSPSIM_CHECK(pending_count_ > 0);
  --pending_count_;
  record_charge(intent, created_unix_s);
  emit(intent);
}

void intent_store::fail(payment_intent& intent, payment_error error) {
  PSPSIM_CHECK(intent.pending != pending_kind::none);
  intent.pending = pending_kind::none;
  PSPSIM_CHECK(pending_count_ > 0);
  --pending_count_;
  intent.status = intent_status::requires_payment_method;
  intent.last_payment_error = std::move(error);
  ++stats_.declines;
  emit(intent);
}

void intent_store::unschedule(const std::string& intent_id) {
  const auto it = due_by_intent_.find(intent_id);
  if (it == due_by_intent_.end()) return;
  due_.erase(it->second);
  due_by_intent_.erase(it);
}

void intent_store::record_charge(payment_intent& intent,
                                 std::int64_t created_unix_s) {
  PSPSIM_CHECK(intent.latest_charge.empty());
  PSPSIM_CHECK(intent.amount_minor > 0);
  charge_record charge;
  charge.id = random_id("ch_");
  charge.payment_intent = intent.id;
  charge.idempotency_key = intent.idempotency_key;
  charge.amount_minor = intent.amount_minor;
  charge.currency = intent.currency;
  charge.payment_method = intent.payment_method;
  charge.created_unix_s = created_unix_s;
  // Counted per key across expiries: a second charge under one key is a
  // second object created after the key expired, and tests must see it.
  if (!intent.idempotency_key.empty()) {
    ++charges_by_key_[intent.idempotency_key];
  }
  intent.latest_charge = charge.id;
  intent.charge_paid = true;
  intent.charge_created_unix_s = created_unix_s;
  if (intent.capture == capture_method::manual) {
    intent.status = intent_status::requires_capture;
    intent.amount_capturable_minor = intent.amount_minor;
    expiring_.emplace(created_unix_s + pending_config_.capture_window_s,
                      expiry_entry{intent.id, expiry_kind::uncaptured});
    ++stats_.authorizations;
  } else {
    intent.status = intent_status::succeeded;
    intent.amount_received_minor = intent.amount_minor;
    intent.captured_unix_s = created_unix_s;
    charge.amount_captured_minor = intent.amount_minor;
    charge.captured_unix_s = created_unix_s;
  }
  // Only a manual charge is ever touched again (by its capture).
  if (intent.capture == capture_method::manual) {
    charge_index_[intent.id] = charges_.size();
  }
  charges_.push_back(std::move(charge));
  ++stats_.charges;
}

void intent_store::record_failed_charge(payment_intent& intent,
                                        std::int64_t unix_s) {
  PSPSIM_CHECK(intent.latest_charge.empty());
  intent.latest_charge = random_id("ch_");
  intent.charge_paid = false;
  intent.charge_created_unix_s = unix_s;
}

void intent_store::emit(const payment_intent& intent) {
  if (!hooks_.on_event) return;
  std::string failure_code;
  if (intent.status == intent_status::canceled) {
    failure_code = intent.cancellation_reason;
  } else if (const auto& error = intent.last_payment_error) {
    failure_code = error->decline_code.empty() ? error->code
                                               : error->decline_code;
  }
  hooks_.on_event(intent_event{
    std::string(event_type_of(intent.status)), intent.id,
    intent.checkout_session, intent.status, std::move(failure_code),
    hooks_.events_carry_json ? boost::json::serialize(intent_to_json(intent))
                             : std::string{}});
}

std::string intent_store::unused_intent_id() const {
  for (int attempt = 0; attempt < id_attempts_max; ++attempt) {
    std::string id = random_id("pi_");
    if (intents_.count(id) == 0) return id;
  }
  check_failed("an unused intent id within id_attempts_max", __FILE__,
               __LINE__);
}

}  // namespace pay::pspsim
