// Manual capture in the store, driven with an injected clock: what waits
// in requires_capture, what a capture settles and when, and the expiries
// in the order they fell due. No process, no waiting.
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "pspsim/create_params.hpp"
#include "pspsim/intent_store.hpp"

namespace pay::pspsim {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t start_unix_s = 1'700'000'000;

// The steady and the unix clock moved together, as /sim/clock/advance
// moves them.
sim_time after(std::chrono::seconds elapsed) {
  return {std::chrono::steady_clock::time_point{} + elapsed,
          start_unix_s + elapsed.count()};
}

create_params manual(card_outcome outcome, std::int64_t amount_minor = 1000) {
  create_params p;
  p.amount_minor = amount_minor;
  p.currency = "eur";
  p.payment_method = "pm_test";
  p.outcome = outcome;
  p.capture = capture_method::manual;
  return p;
}

boost::json::object parse(const std::string& body) {
  return boost::json::parse(body).as_object();
}

struct recording_store {
  explicit recording_store(pending_config pending = {})
      : store(10, 1000ms, pending,
              intent_store_hooks{
                [this](const intent_event& e) { events.push_back(e); }, {}}) {}
  std::vector<std::string> types() const {
    std::vector<std::string> out;
    for (const auto& e : events) out.push_back(e.type);
    return out;
  }
  std::vector<intent_event> events;
  intent_store store;
};

std::string id_of(const create_result& r) {
  return std::string(parse(r.body).at("id").as_string());
}

TEST(intent_store_capture,
     an_authorization_waits_and_settles_only_its_capture) {
  recording_store r;
  const auto created = r.store.create(manual(card_outcome::succeeds), "k", "f",
                                      after(0s));
  const auto pi = parse(created.body);
  EXPECT_EQ(pi.at("status"), "requires_capture");
  EXPECT_EQ(pi.at("amount_capturable"), 1000);
  EXPECT_EQ(pi.at("amount_received"), 0);
  EXPECT_TRUE(r.store.charges_between(0, start_unix_s * 2, after(1s)).empty());

  const auto captured = r.store.capture(id_of(created), capture_request{400},
                                        "", "", after(3600s));
  ASSERT_EQ(captured.status, action_status::done);
  const auto charges = r.store.charges_between(0, start_unix_s * 2,
                                               after(3600s));
  ASSERT_EQ(charges.size(), 1u);
  EXPECT_EQ(charges[0].charge.amount_captured_minor, 400);
  EXPECT_EQ(charges[0].charge.captured_unix_s, start_unix_s + 3600);
  EXPECT_EQ(r.types(), (std::vector<std::string>{
                         "payment_intent.amount_capturable_updated",
                         "payment_intent.succeeded"}));
  const auto stats = r.store.stats(after(3600s));
  EXPECT_EQ(stats.authorizations, 1u);
  EXPECT_EQ(stats.captures, 1u);
  EXPECT_EQ(stats.captured_minor, 400);
  EXPECT_EQ(stats.double_captures, 0u);
}

TEST(intent_store_capture, an_uncaptured_authorization_expires_at_its_window) {
  pending_config pending;
  pending.capture_window_s = 100;
  recording_store r(pending);
  const std::string id = id_of(
    r.store.create(manual(card_outcome::succeeds), "", "f", after(0s)));
  EXPECT_EQ(parse(*r.store.find_json(id, after(99s))).at("status"),
            "requires_capture");
  const auto pi = parse(*r.store.find_json(id, after(500s)));
  EXPECT_EQ(pi.at("status"), "canceled");
  EXPECT_EQ(pi.at("cancellation_reason"), "automatic");
  // Dated when the window ended, not when someone looked.
  EXPECT_EQ(pi.at("canceled_at"), start_unix_s + 100);
  EXPECT_EQ(pi.at("amount_capturable"), 0);
  EXPECT_EQ(r.events.back().type, "payment_intent.canceled");
  EXPECT_EQ(r.events.back().failure_code, "automatic");
  EXPECT_EQ(r.store.stats(after(500s)).automatic_expiries, 1u);
  EXPECT_TRUE(
    r.store.charges_between(0, start_unix_s * 2, after(500s)).empty());
}

TEST(intent_store_capture,
     a_challenge_that_expired_before_its_timer_stays_expired) {
  pending_config pending;
  pending.three_ds_delay = 600s;
  pending.action_expiry_s = 60;
  recording_store r(pending);
  const std::string id = id_of(r.store.create(
    manual(card_outcome::three_ds_required), "", "f", after(0s)));
  // Both fell due by now: the expiry (60 s) first, so the timer (600 s)
  // finds nothing left to authorize.
  const auto pi = parse(*r.store.find_json(id, after(700s)));
  EXPECT_EQ(pi.at("status"), "canceled");
  EXPECT_EQ(pi.at("cancellation_reason"), "abandoned");
  EXPECT_EQ(pi.at("canceled_at"), start_unix_s + 60);
  const auto stats = r.store.stats(after(700s));
  EXPECT_EQ(stats.abandoned_expiries, 1u);
  EXPECT_EQ(stats.processing, 0u);
  EXPECT_EQ(stats.charges, 0u);
}

TEST(intent_store_capture,
     a_timer_that_fell_due_first_authorizes_and_starts_the_window) {
  pending_config pending;
  pending.three_ds_delay = 10s;
  pending.action_expiry_s = 60;
  pending.capture_window_s = 100;
  recording_store r(pending);
  const std::string id = id_of(r.store.create(
    manual(card_outcome::three_ds_required), "", "f", after(0s)));
  EXPECT_EQ(parse(*r.store.find_json(id, after(20s))).at("status"),
            "requires_capture");
  // The window runs from the authorization (10 s), not from creation.
  EXPECT_EQ(parse(*r.store.find_json(id, after(109s))).at("status"),
            "requires_capture");
  EXPECT_EQ(parse(*r.store.find_json(id, after(110s))).at("status"),
            "canceled");
}

TEST(intent_store_capture, capture_and_cancel_share_the_keys_of_create) {
  recording_store r;
  const std::string id = id_of(
    r.store.create(manual(card_outcome::succeeds), "k1", "create", after(0s)));
  EXPECT_EQ(r.store.capture(id, {}, "k1", "capture", after(1s)).status,
            action_status::key_reused_with_other_params);
  const auto first = r.store.capture(id, {}, "k2", "capture", after(1s));
  ASSERT_EQ(first.status, action_status::done);
  const auto again = r.store.capture(id, {}, "k2", "capture", after(2s));
  EXPECT_EQ(again.status, action_status::replayed);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(r.store.cancel(id, {}, "k2", "cancel", after(2s)).status,
            action_status::key_reused_with_other_params);
  EXPECT_EQ(r.store.stats(after(2s)).captures, 1u);
}

}  // namespace
}  // namespace pay::pspsim
