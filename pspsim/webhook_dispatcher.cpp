#include "pspsim/webhook_dispatcher.hpp"

#include <algorithm>

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/json.hpp>

#include "domain/common/backoff.hpp"
#include "domain/payin/webhook_signature.hpp"
#include "pspsim/check.hpp"
#include "pspsim/random_id.hpp"
#include "pspsim/sim_time.hpp"

namespace pay::pspsim {
namespace {

namespace bhttp = boost::beast::http;

http::client_pool_limits pool_limits(
  const webhook_dispatcher_options& options) {
  http::client_pool_limits limits;
  limits.connections_max = options.concurrency;
  limits.queue_max = options.events_max;
  limits.request_timeout_ms = webhook_request_timeout_ms;
  return limits;
}

std::string event_body(std::string_view id, std::string_view type,
                       std::string_view object_json,
                       std::int64_t created_unix_s, std::string_view account) {
  boost::json::object data;
  data["object"] = boost::json::parse(object_json);
  boost::json::object event;
  event["id"] = id;
  event["object"] = "event";
  event["type"] = type;
  event["created"] = created_unix_s;
  event["livemode"] = false;
  if (!account.empty()) event["account"] = account;
  event["data"] = std::move(data);
  return boost::json::serialize(event);
}

std::string_view to_string(bool delivered, bool dropped, bool held) {
  if (delivered) return "delivered";
  if (dropped) return "dropped";
  return held ? "held" : "pending";
}

}  // namespace

webhook_dispatcher::webhook_dispatcher(webhook_dispatcher_options options,
                                       fault_injector& faults)
    : options_(std::move(options)),
      faults_(faults),
      pool_(options_.url.host, options_.url.port, pool_limits(options_),
            http::client_tls{options_.tls, options_.ca_file}) {
  PSPSIM_CHECK(options_.concurrency > 0);
  PSPSIM_CHECK(options_.events_max > 0);
  PSPSIM_CHECK(options_.backoff_base_ms > 0);
}

webhook_dispatcher::~webhook_dispatcher() {
  stopping_.store(true, std::memory_order_release);
}

std::string webhook_dispatcher::publish(std::string_view type,
                                        std::string_view object_id,
                                        std::string_view object_json,
                                        std::int64_t created_unix_s,
                                        std::string_view account) {
  record r;
  r.id = random_id("evt_");
  r.type = std::string(type);
  r.object_id = std::string(object_id);
  r.body = event_body(r.id, type, object_json, created_unix_s, account);
  r.created_unix_s = created_unix_s;
  webhook_fault_draw fault = faults_.draw_webhook();
  r.duplicate = fault.duplicate;
  r.duplicate_owed = fault.duplicate;
  r.reordered = fault.reorder;

  std::lock_guard lock(mutex_);
  if (!make_room()) {
    fault = {};
    fault.drop = true;
    r.drop_reason = "events_max";
  } else if (fault.drop) {
    r.drop_reason = "webhook_drop";
  }
  std::string id = r.id;
  // This event overtakes the ones of its object that are held back.
  if (const auto held = held_by_object_.find(r.object_id);
      held != held_by_object_.end() && !fault.reorder) {
    r.release_on_delivery = std::move(held->second);
    held_by_object_.erase(held);
  }
  if (fault.drop) r.current = state::dropped;
  if (fault.reorder && !fault.drop) r.current = state::held;
  const state initial = r.current;
  order_.push_back(id);
  events_.emplace(id, std::move(r));
  if (initial == state::pending) schedule(id, fault.delay);
  if (initial == state::held) {
    held_by_object_[std::string(object_id)].push_back(id);
    // Released by the next event of its object or, failing that, here.
    timers_.after(reorder_hold_ms_max, [this, id] {
      if (stopping_.load(std::memory_order_acquire)) return;
      std::lock_guard relock(mutex_);
      release_held(id);
    });
  }
  return id;
}

resend_status webhook_dispatcher::resend(std::string_view event_id) {
  std::lock_guard lock(mutex_);
  const auto it = events_.find(std::string(event_id));
  if (it == events_.end()) return resend_status::not_found;
  record& r = it->second;
  if (r.current == state::pending) return resend_status::already_pending;
  if (r.current == state::held) {
    release_held(r.id);
    return resend_status::resent;
  }
  r.current = state::pending;
  r.failures_in_row = 0;
  schedule(r.id, std::chrono::milliseconds{0});
  return resend_status::resent;
}

void webhook_dispatcher::reset() {
  std::lock_guard lock(mutex_);
  events_.clear();
  order_.clear();
  held_by_object_.clear();
}

void webhook_dispatcher::schedule(const std::string& event_id,
                                  std::chrono::milliseconds delay) {
  timers_.after(delay, [this, event_id] { send(event_id); });
}

void webhook_dispatcher::release_held(const std::string& event_id) {
  const auto it = events_.find(event_id);
  if (it == events_.end() || it->second.current != state::held) return;
  record& r = it->second;
  r.current = state::pending;
  if (const auto held = held_by_object_.find(r.object_id);
      held != held_by_object_.end()) {
    auto& ids = held->second;
    ids.erase(std::remove(ids.begin(), ids.end(), event_id), ids.end());
    if (ids.empty()) held_by_object_.erase(held);
  }
  schedule(event_id, std::chrono::milliseconds{0});
}

// Forgets the oldest finished events to stay within events_max; false when
// every kept event still waits for delivery.
bool webhook_dispatcher::make_room() {
  while (events_.size() >= options_.events_max && !order_.empty()) {
    const auto it = events_.find(order_.front());
    if (it != events_.end()
        && (it->second.current == state::pending
            || it->second.current == state::held)) {
      return false;
    }
    if (it != events_.end()) events_.erase(it);
    order_.pop_front();
  }
  return events_.size() < options_.events_max;
}

void webhook_dispatcher::send(const std::string& event_id) {
  if (stopping_.load(std::memory_order_acquire)) return;
  http::request req{bhttp::verb::post, options_.url.target, 11};
  {
    std::lock_guard lock(mutex_);
    const auto it = events_.find(event_id);
    if (it == events_.end() || it->second.current != state::pending) return;
    const std::int64_t now_s = sim_time::real_unix_s();
    req.set(bhttp::field::content_type, "application/json");
    req.set(bhttp::field::user_agent, "pspsim/webhooks");
    req.set("Stripe-Signature",
            domain::sign_webhook(options_.secret, now_s, it->second.body));
    req.body() = it->second.body;
  }
  pool_.async_send(std::move(req),
                   [this, event_id](const http::send_result& result) {
                     if (stopping_.load(std::memory_order_acquire)) return;
                     std::lock_guard lock(mutex_);
                     on_answer(event_id, result);
                   });
}

void webhook_dispatcher::on_answer(const std::string& event_id,
                                   const http::send_result& result) {
  const auto it = events_.find(event_id);
  if (it == events_.end()) return;  // forgotten by reset()
  record& r = it->second;
  const bool answered = result.outcome == http::send_outcome::responded;
  const unsigned status = answered ? result.res.result_int() : 0;
  r.attempts.push_back({sim_time::now().unix_s, status,
                        answered ? std::string{} : result.error,
                        result.elapsed_ms});
  while (r.attempts.size() > webhook_attempts_kept_max) r.attempts.pop_front();
  ++r.attempts_total;
  if (r.current != state::pending) return;
  if (status < 200 || status >= 300) {
    const domain::backoff_policy policy{options_.backoff_base_ms,
                                        options_.backoff_max_ms, 0};
    const std::uint32_t delay_ms = domain::backoff_ceiling_ms(
      policy, r.failures_in_row);
    ++r.failures_in_row;
    schedule(event_id, std::chrono::milliseconds(delay_ms));
    return;
  }
  r.failures_in_row = 0;
  ++r.deliveries;
  for (const std::string& held : std::exchange(r.release_on_delivery, {})) {
    release_held(held);
  }
  if (r.duplicate_owed) {
    r.duplicate_owed = false;
    schedule(event_id, std::chrono::milliseconds{0});
    return;
  }
  r.current = state::delivered;
}

std::string webhook_dispatcher::events_json() const {
  std::lock_guard lock(mutex_);
  boost::json::array data;
  for (const std::string& id : order_) {
    const auto it = events_.find(id);
    if (it == events_.end()) continue;
    data.push_back(record_json(it->second));
  }
  boost::json::object out;
  out["data"] = std::move(data);
  return boost::json::serialize(out);
}

boost::json::object webhook_dispatcher::record_json(const record& r) {
  boost::json::object out;
  out["id"] = r.id;
  out["type"] = r.type;
  out["object_id"] = r.object_id;
  out["created"] = r.created_unix_s;
  out["state"] = to_string(r.current == state::delivered,
                           r.current == state::dropped,
                           r.current == state::held);
  out["delivered"] = r.deliveries > 0;
  out["dropped"] = r.current == state::dropped;
  out["duplicate"] = r.duplicate;
  out["reordered"] = r.reordered;
  out["deliveries"] = r.deliveries;
  out["attempts_total"] = r.attempts_total;
  boost::json::array attempts;
  for (const attempt& a : r.attempts) {
    boost::json::object one;
    one["at"] = a.at_unix_s;
    one["status"] = a.http_status == 0 ? boost::json::value(nullptr)
                                       : boost::json::value(a.http_status);
    one["error"] = a.error.empty() ? boost::json::value(nullptr)
                                   : boost::json::value(a.error);
    one["elapsed_ms"] = a.elapsed_ms;
    attempts.push_back(std::move(one));
  }
  if (r.attempts.empty()) {
    out["last_status"] = nullptr;
  } else {
    out["last_status"] = r.attempts.back().http_status == 0
                           ? boost::json::value(nullptr)
                           : boost::json::value(r.attempts.back().http_status);
  }
  out["attempts"] = std::move(attempts);
  out["drop_reason"] = r.drop_reason.empty()
                         ? boost::json::value(nullptr)
                         : boost::json::value(r.drop_reason);
  out["body"] = r.body;
  return out;
}

}  // namespace pay::pspsim
