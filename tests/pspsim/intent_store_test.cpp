// The simulator's store, driven with an injected clock: no process, no
// waiting.
#include "pspsim/intent_store.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "pspsim/create_params.hpp"

namespace pay::pspsim {
namespace {

using namespace std::chrono_literals;

sim_time at(std::chrono::milliseconds since_start) {
  return {std::chrono::steady_clock::time_point{} + since_start, 1'700'000'000};
}

create_params params(card_outcome outcome, std::int64_t amount_minor = 1000) {
  create_params p;
  p.amount_minor = amount_minor;
  p.currency = "eur";
  p.payment_method = "pm_test";
  p.outcome = outcome;
  return p;
}

boost::json::object parse(const std::string& body) {
  return boost::json::parse(body).as_object();
}

TEST(intent_store, processing_settles_only_once_the_delay_has_passed) {
  intent_store store(10, 1000ms);
  const auto created = store.create(params(card_outcome::processing), "k", "f",
                                    at(0ms));
  ASSERT_EQ(created.status, create_status::created);
  const std::string id(parse(created.body).at("id").as_string());
  EXPECT_EQ(parse(*store.find_json(id, at(999ms))).at("status"), "processing");
  EXPECT_EQ(store.stats(at(999ms)).charges, 0u);
  EXPECT_EQ(parse(*store.find_json(id, at(1000ms))).at("status"), "succeeded");
  const auto stats = store.stats(at(5000ms));
  EXPECT_EQ(stats.charges, 1u);
  EXPECT_EQ(stats.processing, 0u);
  EXPECT_EQ(parse(store.idempotency_keys_json(at(5000ms))).at("k"), 1);
}

TEST(intent_store, settlement_is_seen_by_every_read_path) {
  intent_store store(10, 10ms);
  store.create(params(card_outcome::processing), "", "f", at(0ms));
  EXPECT_EQ(parse(store.charges_json(at(5ms))).at("data").as_array().size(),
            0u);
  EXPECT_EQ(parse(store.charges_json(at(10ms))).at("data").as_array().size(),
            1u);
}

TEST(intent_store, store_at_its_maximum_refuses_new_intents_but_replays_old) {
  intent_store store(2, 0ms);
  EXPECT_EQ(
    store.create(params(card_outcome::succeeds), "a", "f", at(0ms)).status,
    create_status::created);
  EXPECT_EQ(store
              .create(params(card_outcome::declined_generic), "b", "f", at(0ms))
              .status,
            create_status::created);
  EXPECT_EQ(
    store.create(params(card_outcome::succeeds), "c", "f", at(0ms)).status,
    create_status::intents_exhausted);
  EXPECT_EQ(
    store.create(params(card_outcome::succeeds), "", "f", at(0ms)).status,
    create_status::intents_exhausted);
  EXPECT_EQ(
    store.create(params(card_outcome::succeeds), "a", "f", at(0ms)).status,
    create_status::replayed);
  EXPECT_EQ(store.stats(at(0ms)).intents, 2u);
  // A refused key was not stored: it can be used once there is room.
  store.reset();
  EXPECT_EQ(
    store.create(params(card_outcome::succeeds), "c", "f", at(0ms)).status,
    create_status::created);
}

TEST(intent_store, replay_returns_the_stored_status_and_body) {
  intent_store store(10, 0ms);
  const auto first = store.create(
    params(card_outcome::declined_insufficient_funds), "k", "f", at(0ms));
  EXPECT_EQ(first.http_status, 402u);
  const auto again = store.create(
    params(card_outcome::declined_insufficient_funds), "k", "f", at(0ms));
  EXPECT_EQ(again.status, create_status::replayed);
  EXPECT_EQ(again.http_status, 402u);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(store.stats(at(0ms)).declines, 1u);
  EXPECT_EQ(store.stats(at(0ms)).charges, 0u);
}

TEST(intent_store, a_key_with_another_fingerprint_is_refused_without_charging) {
  intent_store store(10, 0ms);
  store.create(params(card_outcome::succeeds), "k", "f1", at(0ms));
  EXPECT_EQ(
    store.create(params(card_outcome::succeeds, 5), "k", "f2", at(0ms)).status,
    create_status::key_reused_with_other_params);
  const auto stats = store.stats(at(0ms));
  EXPECT_EQ(stats.charges, 1u);
  EXPECT_EQ(stats.idempotency_conflicts, 1u);
}

TEST(intent_store, requests_without_a_key_are_never_replayed) {
  intent_store store(10, 0ms);
  const auto a = store.create(params(card_outcome::succeeds), "", "f", at(0ms));
  const auto b = store.create(params(card_outcome::succeeds), "", "f", at(0ms));
  EXPECT_EQ(b.status, create_status::created);
  EXPECT_NE(a.body, b.body);
  EXPECT_EQ(store.stats(at(0ms)).charges, 2u);
  EXPECT_TRUE(parse(store.idempotency_keys_json(at(0ms))).empty());
}

TEST(intent_store, note_request_counts_and_reset_zeroes) {
  intent_store store(10, 0ms);
  store.note_request();
  store.note_request();
  EXPECT_EQ(store.stats(at(0ms)).requests, 2u);
  store.reset();
  EXPECT_EQ(store.stats(at(0ms)).requests, 0u);
}

std::vector<std::string> types_of(const std::vector<intent_event>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.type);
  return out;
}

struct recording_store {
  explicit recording_store(pending_config pending = {},
                           bool events_carry_json = true)
      : store(10, 1000ms, pending,
              intent_store_hooks{
                [this](const intent_event& e) { events.push_back(e); },
                [this](std::chrono::milliseconds d) { wakeups.push_back(d); },
                events_carry_json}) {}
  std::vector<intent_event> events;
  std::vector<std::chrono::milliseconds> wakeups;
  intent_store store;
};

TEST(intent_store, events_carry_the_intent_json_only_when_asked_to) {
  recording_store with_json;
  with_json.store.create(params(card_outcome::succeeds), "a", "f", at(0ms));
  ASSERT_EQ(with_json.events.size(), 1u);
  EXPECT_EQ(parse(with_json.events[0].intent_json).at("status"), "succeeded");

  recording_store without_json{{}, false};
  without_json.store.create(params(card_outcome::succeeds), "a", "f", at(0ms));
  ASSERT_EQ(without_json.events.size(), 1u);
  EXPECT_EQ(without_json.events[0].type, "payment_intent.succeeded");
  EXPECT_EQ(without_json.events[0].intent_json, "");
}

TEST(intent_store, every_state_change_is_reported_once_in_order) {
  recording_store r;
  r.store.create(params(card_outcome::succeeds), "a", "f", at(0ms));
  r.store.create(params(card_outcome::declined_generic), "b", "f", at(0ms));
  r.store.create(params(card_outcome::processing), "c", "f", at(0ms));
  r.store.create(params(card_outcome::processing), "c", "f",
                 at(0ms));  // replay
  r.store.stats(at(1000ms));
  r.store.stats(at(2000ms));
  EXPECT_EQ(types_of(r.events),
            (std::vector<std::string>{
              "payment_intent.succeeded", "payment_intent.payment_failed",
              "payment_intent.processing", "payment_intent.succeeded"}));
  EXPECT_EQ(r.events[1].failure_code, "generic_decline");
  EXPECT_EQ(r.wakeups, (std::vector<std::chrono::milliseconds>{1000ms}));
}

TEST(intent_store, three_ds_resolves_by_its_delay_with_the_configured_outcome) {
  recording_store ok({2000ms, true, 3000ms});
  const auto a = ok.store.create(params(card_outcome::three_ds_required), "k",
                                 "f", at(0ms));
  EXPECT_EQ(parse(a.body).at("status"), "requires_action");
  EXPECT_EQ(parse(*ok.store.find_json(a.intent_id, at(1999ms))).at("status"),
            "requires_action");
  EXPECT_EQ(parse(*ok.store.find_json(a.intent_id, at(2000ms))).at("status"),
            "succeeded");
  recording_store failing({2000ms, false, 3000ms});
  const auto b = failing.store.create(params(card_outcome::three_ds_required),
                                      "k", "f", at(0ms));
  failing.store.settle(at(2000ms));
  const auto intent = parse(*failing.store.find_json(b.intent_id, at(2000ms)));
  EXPECT_EQ(intent.at("status"), "requires_payment_method");
  EXPECT_EQ(failing.store.stats(at(2000ms)).charges, 0u);
  EXPECT_EQ(failing.events.back().failure_code,
            "payment_intent_authentication_failure");
}

TEST(intent_store, manual_resolution_takes_the_intent_off_the_timer) {
  recording_store r;
  const auto a = r.store.create(params(card_outcome::three_ds_required), "k",
                                "f", at(0ms));
  EXPECT_EQ(r.store.complete_action(a.intent_id, false, at(10ms)).status,
            resolve_status::resolved);
  // Its timer passing later changes nothing and reports nothing.
  r.store.settle(at(10'000ms));
  EXPECT_EQ(parse(*r.store.find_json(a.intent_id, at(10'000ms))).at("status"),
            "requires_payment_method");
  EXPECT_EQ(r.events.size(), 2u);
  EXPECT_EQ(r.store.complete_action(a.intent_id, true, at(10ms)).status,
            resolve_status::not_pending);
  EXPECT_EQ(r.store.finish_review(a.intent_id, true, at(10ms)).status,
            resolve_status::not_pending);
  EXPECT_EQ(r.store.complete_action("pi_nope", true, at(10ms)).status,
            resolve_status::not_found);
  EXPECT_EQ(r.store.stats(at(10'000ms)).processing, 0u);
}

TEST(intent_store, review_is_processing_until_approved_or_rejected) {
  recording_store r;
  const auto a = r.store.create(params(card_outcome::review), "a", "f",
                                at(0ms));
  const auto b = r.store.create(params(card_outcome::review), "b", "f",
                                at(0ms));
  EXPECT_EQ(parse(a.body).at("status"), "processing");
  EXPECT_TRUE(parse(a.body).at("review").is_string());
  EXPECT_EQ(r.store.stats(at(0ms)).processing, 2u);
  const auto rejected = r.store.finish_review(b.intent_id, false, at(1ms));
  EXPECT_EQ(
    parse(rejected.intent_json).at("last_payment_error").at("decline_code"),
    "fraudulent");
  EXPECT_EQ(parse(*r.store.find_json(a.intent_id, at(3000ms))).at("status"),
            "succeeded");
  const auto stats = r.store.stats(at(3000ms));
  EXPECT_EQ(stats.charges, 1u);
  EXPECT_EQ(stats.processing, 0u);
}

TEST(intent_store, buyer_completed_three_ds_has_no_timer) {
  recording_store r({0ms, true, 0ms});
  auto p = params(card_outcome::three_ds_required);
  p.buyer_completes_action = true;
  p.checkout_session = "cs_1";
  const auto a = r.store.create(p, "po_1", "f", at(0ms));
  r.store.settle(at(1'000'000ms));
  EXPECT_EQ(
    parse(*r.store.find_json(a.intent_id, at(1'000'000ms))).at("status"),
    "requires_action");
  EXPECT_TRUE(r.wakeups.empty());
  EXPECT_EQ(r.events.front().checkout_session, "cs_1");
}

}  // namespace
}  // namespace pay::pspsim
