#include "pspsim/checkout_session_store.hpp"

#include <boost/json/serialize.hpp>

#include "pspsim/check.hpp"
#include "pspsim/random_id.hpp"

namespace pay::pspsim {

checkout_session_store::checkout_session_store(std::size_t sessions_max,
                                               session_event_sink publish)
    : sessions_max_(sessions_max), publish_(std::move(publish)) {
  PSPSIM_CHECK(sessions_max_ > 0);
}

register_result checkout_session_store::register_session(
  const session_params& params, std::string_view page_base,
  const std::string& key, const std::string& fingerprint,
  std::int64_t now_unix_s) {
  std::lock_guard lock(mutex_);
  if (!key.empty()) {
    if (const auto it = keys_.find(key); it != keys_.end()) {
      if (it->second.fingerprint != fingerprint) {
        return {register_status::key_reused_with_other_params, std::nullopt};
      }
      return {register_status::existing, sessions_.at(it->second.session_id)};
    }
  }
  if (const auto it = by_reference_.find(params.client_reference_id);
      it != by_reference_.end()) {
    const checkout_session& existing = sessions_.at(it->second);
    if (existing.amount_minor != params.amount_minor
        || existing.currency != params.currency) {
      return {register_status::client_reference_id_reused, std::nullopt};
    }
    if (!key.empty()) keys_[key] = {fingerprint, existing.id};
    return {register_status::existing, existing};
  }
  if (sessions_.size() >= sessions_max_) {
    return {register_status::sessions_exhausted, std::nullopt};
  }
  checkout_session session;
  do {
    session.id = random_id("cs_");
  } while (sessions_.count(session.id) != 0);
  session.url = std::string(page_base) + "/pay/" + session.id;
  session.amount_minor = params.amount_minor;
  session.currency = params.currency;
  session.return_url = params.return_url;
  session.client_reference_id = params.client_reference_id;
  session.metadata = params.metadata;
  session.created_unix_s = now_unix_s;
  by_reference_[session.client_reference_id] = session.id;
  if (!key.empty()) keys_[key] = {fingerprint, session.id};
  const auto [it, inserted] = sessions_.emplace(session.id, std::move(session));
  PSPSIM_CHECK(inserted);
  return {register_status::created, it->second};
}

std::optional<checkout_session> checkout_session_store::find(
  std::string_view id) const {
  std::lock_guard lock(mutex_);
  const auto it = sessions_.find(std::string(id));
  if (it == sessions_.end()) return std::nullopt;
  return it->second;
}

void checkout_session_store::note_card(std::string_view id, std::string brand,
                                       std::string last4) {
  PSPSIM_CHECK(last4.size() == 4);
  std::lock_guard lock(mutex_);
  const auto it = sessions_.find(std::string(id));
  if (it == sessions_.end() || !it->second.card_last4.empty()) return;
  it->second.card_brand = std::move(brand);
  it->second.card_last4 = std::move(last4);
}

void checkout_session_store::on_intent_event(const intent_event& event,
                                             std::int64_t now_unix_s) {
  if (event.checkout_session.empty()) return;
  std::lock_guard lock(mutex_);
  const auto it = sessions_.find(event.checkout_session);
  if (it == sessions_.end()) return;  // forgotten by a reset
  checkout_session& session = it->second;
  PSPSIM_CHECK(session.payment_intent.empty()
               || session.payment_intent == event.intent_id);
  if (session.status == session_status::complete) return;
  session.payment_intent = event.intent_id;
  switch (event.status) {
    case intent_status::requires_action:
      session.awaiting_challenge = true;
      return;
    case intent_status::processing:
      return;
    case intent_status::succeeded:
      session.paid = true;
      break;
    case intent_status::requires_payment_method:
      session.failure_code = event.failure_code;
      break;
  }
  session.awaiting_challenge = false;
  session.status = session_status::complete;
  if (publish_) {
    publish_("checkout.session.completed", session.id,
             boost::json::serialize(session_to_json(session)), now_unix_s);
  }
}

void checkout_session_store::reset() {
  std::lock_guard lock(mutex_);
  sessions_.clear();
  by_reference_.clear();
  keys_.clear();
}

}  // namespace pay::pspsim
