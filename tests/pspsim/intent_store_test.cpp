// The simulator's store, driven with an injected clock: no process, no
// waiting.
#include "pspsim/intent_store.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

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
  const auto created = store.create(params(card_outcome::processing), "k", "f", at(0ms));
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
  EXPECT_EQ(parse(store.charges_json(at(5ms))).at("data").as_array().size(), 0u);
  EXPECT_EQ(parse(store.charges_json(at(10ms))).at("data").as_array().size(), 1u);
}

TEST(intent_store, store_at_its_maximum_refuses_new_intents_but_replays_old) {
  intent_store store(2, 0ms);
  EXPECT_EQ(store.create(params(card_outcome::succeeds), "a", "f", at(0ms)).status,
            create_status::created);
  EXPECT_EQ(store.create(params(card_outcome::declined_generic), "b", "f", at(0ms)).status,
            create_status::created);
  EXPECT_EQ(store.create(params(card_outcome::succeeds), "c", "f", at(0ms)).status,
            create_status::intents_exhausted);
  EXPECT_EQ(store.create(params(card_outcome::succeeds), "", "f", at(0ms)).status,
            create_status::intents_exhausted);
  EXPECT_EQ(store.create(params(card_outcome::succeeds), "a", "f", at(0ms)).status,
            create_status::replayed);
  EXPECT_EQ(store.stats(at(0ms)).intents, 2u);
  // A refused key was not stored: it can be used once there is room.
  store.reset();
  EXPECT_EQ(store.create(params(card_outcome::succeeds), "c", "f", at(0ms)).status,
            create_status::created);
}

TEST(intent_store, replay_returns_the_stored_status_and_body) {
  intent_store store(10, 0ms);
  const auto first = store.create(params(card_outcome::declined_insufficient_funds),
                                  "k", "f", at(0ms));
  EXPECT_EQ(first.http_status, 402u);
  const auto again = store.create(params(card_outcome::declined_insufficient_funds),
                                  "k", "f", at(0ms));
  EXPECT_EQ(again.status, create_status::replayed);
  EXPECT_EQ(again.http_status, 402u);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(store.stats(at(0ms)).declines, 1u);
  EXPECT_EQ(store.stats(at(0ms)).charges, 0u);
}

TEST(intent_store, a_key_with_another_fingerprint_is_refused_without_charging) {
  intent_store store(10, 0ms);
  store.create(params(card_outcome::succeeds), "k", "f1", at(0ms));
  EXPECT_EQ(store.create(params(card_outcome::succeeds, 5), "k", "f2", at(0ms)).status,
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

}  // namespace
}  // namespace pay::pspsim
