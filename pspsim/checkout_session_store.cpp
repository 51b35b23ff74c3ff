#include "pspsim/checkout_session_store.hpp"

#include <boost/json/serialize.hpp>

#include "pspsim/check.hpp"
#include "pspsim/random_id.hpp"

namespace pay::pspsim {

checkout_session_store::checkout_session_store(session_store_config config,
                                               session_event_sink publish)
    : config_(config), publish_(std::move(publish)) {
  PSPSIM_CHECK(config_.sessions_max > 0);
  PSPSIM_CHECK(config_.expiry_s > 0);
  PSPSIM_CHECK(config_.key_ttl_s > 0);
}

register_result checkout_session_store::register_session(
  const session_params& params, std::string_view page_base,
  const std::string& key, const std::string& fingerprint,
  std::int64_t now_unix_s) {
  std::lock_guard lock(mutex_);
  expire_due_locked(now_unix_s);
  if (!key.empty()) {
    if (const auto it = keys_.find(key);
        it != keys_.end()
        && key_expired(it->second.first_used_unix_s, now_unix_s,
                       config_.key_ttl_s)) {
      keys_.erase(it);
    }
    if (const auto it = keys_.find(key); it != keys_.end()) {
      if (it->second.fingerprint != fingerprint) {
        return {register_status::key_reused_with_other_params, std::nullopt};
      }
      return {register_status::existing, sessions_.at(it->second.session_id)};
    }
  }
  if (sessions_.size() >= config_.sessions_max) {
    return {register_status::sessions_exhausted, std::nullopt};
  }
  checkout_session session;
  do {
    session.id = random_id("cs_");
  } while (sessions_.count(session.id) != 0);
  session.url = std::string(page_base) + "/pay/" + session.id;
  session.amount_minor = params.amount_minor;
  session.currency = params.currency;
  session.line_items = params.line_items;
  session.success_url = params.success_url;
  session.cancel_url = params.cancel_url;
  session.client_reference_id = params.client_reference_id;
  session.customer_email = params.customer_email;
  session.metadata = params.metadata;
  session.intent_metadata = params.intent_metadata;
  session.intent_description = params.intent_description;
  session.created_unix_s = now_unix_s;
  session.expires_at_unix_s = now_unix_s + config_.expiry_s;
  if (!key.empty()) keys_[key] = {fingerprint, session.id, now_unix_s};
  expiring_.emplace(session.expires_at_unix_s, session.id);
  const auto [it, inserted] = sessions_.emplace(session.id, std::move(session));
  PSPSIM_CHECK(inserted);
  return {register_status::created, it->second};
}

std::optional<checkout_session> checkout_session_store::find(
  std::string_view id, std::int64_t now_unix_s) {
  std::lock_guard lock(mutex_);
  expire_due_locked(now_unix_s);
  const auto it = sessions_.find(std::string(id));
  if (it == sessions_.end()) return std::nullopt;
  return it->second;
}

void checkout_session_store::note_card(std::string_view id, std::string brand,
                                       std::string last4) {
  PSPSIM_CHECK(last4.size() == 4);
  std::lock_guard lock(mutex_);
  const auto it = sessions_.find(std::string(id));
  if (it == sessions_.end()) return;
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
  if (session.status != session_status::open) return;
  session.payment_intent = event.intent_id;
  switch (event.status) {
    case intent_status::requires_action:
      session.awaiting_challenge = true;
      return;
    case intent_status::processing:
      return;
    case intent_status::requires_payment_method:
    // A challenge nobody answered in time is canceled (abandoned): like a
    // failure, the buyer may try another card until the session expires.
    case intent_status::canceled:
      // Stripe keeps the buyer on the page to try another card.
      session.awaiting_challenge = false;
      session.failure_code = event.failure_code;
      ++session.failed_attempts;
      return;
    // Never for a session's intent: the hosted page captures automatically.
    case intent_status::requires_capture:
      return;
    case intent_status::succeeded:
      break;
  }
  session.awaiting_challenge = false;
  session.paid = true;
  session.status = session_status::complete;
  if (publish_) {
    publish_("checkout.session.completed", session.id,
             boost::json::serialize(session_to_json(session)), now_unix_s);
  }
}

void checkout_session_store::expire_due(std::int64_t now_unix_s) {
  std::lock_guard lock(mutex_);
  expire_due_locked(now_unix_s);
}

void checkout_session_store::expire_due_locked(std::int64_t now_unix_s) {
  while (!expiring_.empty() && expiring_.begin()->first <= now_unix_s) {
    const auto due = expiring_.begin();
    const std::string id = due->second;
    expiring_.erase(due);
    const auto it = sessions_.find(id);
    if (it != sessions_.end() && it->second.status == session_status::open) {
      checkout_session& session = it->second;
      // A challenge in progress finishes first; the session expires at a
      // later sweep if it did not succeed.
      if (session.awaiting_challenge) {
        expiring_.emplace(now_unix_s + 1, id);
        continue;
      }
      session.status = session_status::expired;
      if (publish_) {
        publish_("checkout.session.expired", session.id,
                 boost::json::serialize(session_to_json(session)), now_unix_s);
      }
    }
  }
}

void checkout_session_store::reset() {
  std::lock_guard lock(mutex_);
  sessions_.clear();
  keys_.clear();
  expiring_.clear();
}

}  // namespace pay::pspsim
