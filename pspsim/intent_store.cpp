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

}  // namespace

intent_store::intent_store(std::size_t intents_max,
                           std::chrono::milliseconds processing_delay)
    : intents_max_(intents_max), processing_delay_(processing_delay) {
  PSPSIM_CHECK(intents_max_ > 0);
  PSPSIM_CHECK(processing_delay_.count() >= 0);
}

create_result intent_store::create(const create_params& params,
                                   const std::string& key,
                                   const std::string& fingerprint,
                                   const sim_time& now) {
  std::lock_guard lock(mutex_);
  settle_due(now);
  if (!key.empty()) {
    if (const auto it = keys_.find(key); it != keys_.end()) {
      if (it->second.fingerprint != fingerprint) {
        ++stats_.idempotency_conflicts;
        return {create_status::key_reused_with_other_params, 0, {}};
      }
      ++stats_.replays;
      return {create_status::replayed, it->second.http_status, it->second.body};
    }
  }
  if (intents_.size() >= intents_max_) {
    return {create_status::intents_exhausted, 0, {}};
  }

  payment_intent intent;
  intent.id = unused_intent_id();
  intent.amount_minor = params.amount_minor;
  intent.currency = params.currency;
  intent.payment_method = params.payment_method;
  intent.metadata = params.metadata;
  intent.description = params.description;
  intent.created_unix_s = now.unix_s;
  intent.idempotency_key = key;
  key_entry* entry = nullptr;
  if (!key.empty()) {
    entry = &keys_[key];
    entry->fingerprint = fingerprint;
  }

  const auto decline = decline_of(params.outcome);
  if (decline) {
    intent.status = intent_status::requires_payment_method;
    intent.last_payment_error =
        payment_error{"card_declined", std::string(decline->decline_code),
                      std::string(decline->message)};
    ++stats_.declines;
  } else if (params.outcome == card_outcome::processing) {
    intent.status = intent_status::processing;
    pending_.push_back({intent.id, now.steady + processing_delay_});
  } else {
    record_charge(intent, now.unix_s);
  }

  create_result result{create_status::created, decline ? 402u : 200u, {}};
  result.body = decline ? decline_body(intent)
                        : boost::json::serialize(intent_to_json(intent));
  if (entry) {
    entry->http_status = result.http_status;
    entry->body = result.body;
  }
  const std::string id = intent.id;
  intents_.emplace(id, std::move(intent));
  return result;
}

std::optional<std::string> intent_store::find_json(std::string_view id,
                                                   const sim_time& now) {
  std::lock_guard lock(mutex_);
  settle_due(now);
  const auto it = intents_.find(std::string(id));
  if (it == intents_.end()) return std::nullopt;
  return boost::json::serialize(intent_to_json(it->second));
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
  for (const auto& [key, entry] : keys_) body[key] = entry.charges;
  return boost::json::serialize(body);
}

store_stats intent_store::stats(const sim_time& now) {
  std::lock_guard lock(mutex_);
  settle_due(now);
  store_stats out = stats_;
  out.intents = intents_.size();
  out.processing = pending_.size();
  out.requests = requests_.load(std::memory_order_relaxed);
  return out;
}

void intent_store::reset() {
  std::lock_guard lock(mutex_);
  intents_.clear();
  keys_.clear();
  charges_.clear();
  pending_.clear();
  stats_ = {};
  requests_.store(0, std::memory_order_relaxed);
}

void intent_store::settle_due(const sim_time& now) {
  const auto delay_s =
      std::chrono::duration_cast<std::chrono::seconds>(processing_delay_).count();
  while (!pending_.empty() && pending_.front().due <= now.steady) {
    const auto it = intents_.find(pending_.front().intent_id);
    PSPSIM_CHECK(it != intents_.end());
    PSPSIM_CHECK(it->second.status == intent_status::processing);
    record_charge(it->second, it->second.created_unix_s + delay_s);
    pending_.pop_front();
  }
}

void intent_store::record_charge(payment_intent& intent,
                                 std::int64_t created_unix_s) {
  PSPSIM_CHECK(intent.latest_charge.empty());
  PSPSIM_CHECK(intent.amount_minor > 0);
  charge_record charge{random_id("ch_"),     intent.id,
                       intent.idempotency_key, intent.amount_minor,
                       intent.currency,       intent.payment_method,
                       created_unix_s};
  if (!intent.idempotency_key.empty()) {
    auto& entry = keys_.at(intent.idempotency_key);
    ++entry.charges;
    PSPSIM_CHECK(entry.charges == 1);  // the promise the harness checks
  }
  intent.status = intent_status::succeeded;
  intent.latest_charge = charge.id;
  charges_.push_back(std::move(charge));
  ++stats_.charges;
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
