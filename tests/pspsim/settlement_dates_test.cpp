// When things settle, driven with an injected clock: a delayed success is
// settled at the end of its delay (not when someone looked), payouts at
// their due time, and the UTC day arithmetic behind the files.
#include <gtest/gtest.h>

#include "pspsim/create_params.hpp"
#include "pspsim/intent_store.hpp"
#include "pspsim/payout_store.hpp"
#include "pspsim/utc_date.hpp"

namespace pay::pspsim {
namespace {

using namespace std::chrono_literals;

// 2026-03-01T23:59:59Z
constexpr std::int64_t last_second_of_day = 1'772'409'599;

sim_time at(std::chrono::milliseconds since_start, std::int64_t unix_s) {
  return {std::chrono::steady_clock::time_point{} + since_start, unix_s};
}

TEST(settlement_dates, utc_dates_and_day_starts_agree) {
  EXPECT_EQ(utc_date_of(0), "1970-01-01");
  EXPECT_EQ(utc_date_of(last_second_of_day), "2026-03-01");
  EXPECT_EQ(utc_date_of(last_second_of_day + 1), "2026-03-02");
  EXPECT_EQ(utc_day_start("2026-03-02"), last_second_of_day + 1);
  EXPECT_EQ(utc_day_start("2024-02-29"), 1'709'164'800);
  EXPECT_EQ(utc_date_of(1'709'164'800), "2024-02-29");
  EXPECT_FALSE(utc_day_start("2026-02-29").has_value());
  EXPECT_FALSE(utc_day_start("yesterday").has_value());
}

TEST(settlement_dates,
     processing_intent_settles_when_its_delay_ended_not_when_read) {
  intent_store store(10, 2000ms);
  create_params p;
  p.amount_minor = 1000;
  p.currency = "usd";
  p.payment_method = "pm_card_processing";
  p.outcome = card_outcome::processing;
  store.create(p, "po_late", "f", at(0ms, last_second_of_day - 1));
  // Read three days later: the charge is still dated two seconds after
  // creation, which is the next UTC day.
  const auto next_day = *utc_day_start("2026-03-02");
  const auto later = at(3 * 86'400'000ms, next_day + 3 * 86'400);
  EXPECT_TRUE(
    store.charges_between(next_day - 86'400, next_day, later).empty());
  const auto charges = store.charges_between(next_day, next_day + 86'400,
                                             later);
  ASSERT_EQ(charges.size(), 1u);
  EXPECT_EQ(charges[0].charge.created_unix_s, last_second_of_day + 1);
  EXPECT_EQ(charges[0].charge.idempotency_key, "po_late");
}

TEST(settlement_dates, payout_is_paid_at_its_due_time_not_when_read) {
  payout_store store(1000ms);
  payout_params p;
  p.amount_minor = 500;
  p.currency = "usd";
  p.destination = "acct_a";
  store.create(p, "pyo_1", "f", at(0ms, last_second_of_day));
  const auto next_day = *utc_day_start("2026-03-02");
  const auto later = at(86'400'000ms, next_day + 86'400);
  EXPECT_TRUE(store.paid_between(next_day - 86'400, next_day, later).empty());
  const auto paid = store.paid_between(next_day, next_day + 86'400, later);
  ASSERT_EQ(paid.size(), 1u);
  EXPECT_EQ(paid[0].resolved_unix_s, next_day);
  EXPECT_EQ(paid[0].fee_reference.rfind("fee_", 0), 0u);
}

TEST(settlement_dates, silent_success_records_the_charge_without_an_event) {
  int events = 0;
  intent_store_hooks hooks;
  hooks.on_event = [&](const intent_event&) { ++events; };
  intent_store store(10, 60'000ms, {}, std::move(hooks));
  create_params p;
  p.amount_minor = 700;
  p.currency = "eur";
  p.payment_method = "pm_card_processing";
  p.outcome = card_outcome::processing;
  const auto created = store.create(p, "po_s", "f",
                                    at(0ms, last_second_of_day));
  EXPECT_EQ(events, 1);  // payment_intent.processing
  const auto before = store.succeed_silently_if_pending(
    created.intent_id, at(10ms, last_second_of_day));
  ASSERT_TRUE(before.has_value());
  EXPECT_EQ(before->status, intent_status::processing);
  EXPECT_EQ(store.view(created.intent_id, at(20ms, last_second_of_day))->status,
            intent_status::succeeded);
  EXPECT_EQ(events, 1);
  EXPECT_EQ(store.stats(at(20ms, last_second_of_day)).processing, 0u);
  // Its timer no longer fires.
  store.settle(at(120'000ms, last_second_of_day + 120));
  EXPECT_EQ(store.stats(at(120'000ms, last_second_of_day + 120)).charges, 1u);
  EXPECT_EQ(events, 1);
}

}  // namespace
}  // namespace pay::pspsim
