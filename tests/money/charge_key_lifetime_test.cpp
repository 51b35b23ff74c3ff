// A charge sent again after the PSP forgot its Idempotency-Key must not be
// a second charge (docs/stripe.md: anything sent again later than the key's
// lifetime, a dead-letter requeue first of all, is looked up by metadata
// before it is created). pspsim forgets keys 2 s after their first use and
// paymentd trusts them 1 s.

#include <chrono>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "tests/money/refund_fixture.hpp"

namespace pay::it {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;

class charges_past_the_key_lifetime : public refunds_in_a_world_of_their_own {
 protected:
  env_list pspsim_env() const override {
    return {{"PSPSIM_IDEMPOTENCY_KEY_TTL_S", "2"}};
  }
  // One attempt, at once dead-lettered when undecided.
  env_list paymentd_env() const override {
    return {{"PAYMENTD_PSP_IDEMPOTENCY_KEY_TRUST_S", "1"},
            {"PAYMENTD_PSP_RETRY_ATTEMPTS_MAX", "1"},
            {"PAYMENTD_PSP_RETRY_DEADLINE_MS", "1"}};
  }

  std::string order_status(const std::string& order_id) {
    return string_at(json_of(api().get("/v1/payments/" + order_id)),
                     {"status"});
  }

  bool wait_dead_lettered(const std::string& order_id, milliseconds timeout) {
    auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
      if (count("SELECT count(*) FROM dead_letter WHERE payment_order_id = $1"
                " AND status = 'open'",
                order_id)
          == 1)
        return true;
      std::this_thread::sleep_for(milliseconds{20});
    }
    return false;
  }

  // The order's charge is made and its answer lost: undecided, it is
  // dead-lettered as maybe charged. Faults are off again afterwards.
  void post_and_lose_the_answer(const checkout_spec& spec) {
    set_faults(R"({"seed": 41, "reset_after_commit": 1})");
    auto posted = post_payment(api(), checkout_body(spec));
    ASSERT_TRUE(posted.ok) << posted.error;
    ASSERT_TRUE(wait_dead_lettered(spec.orders.front().payment_order_id,
                                   milliseconds{10'000}));
    set_faults("{}");
  }

  // pspsim forgets the key; the operator requeues a day later, as it were.
  // Waits (10 s at most) for the order to reach `status`.
  void requeue_past_the_key_lifetime(const std::string& order_id,
                                     const std::string& status) {
    std::this_thread::sleep_for(milliseconds{3'000});
    auto requeue = api().post("/admin/dlq/" + order_id + "/requeue", "",
                              "application/json", admin_auth);
    ASSERT_EQ(requeue.res.result_int(), 200u) << requeue.res.body();
    auto until = std::chrono::steady_clock::now() + milliseconds{10'000};
    while (order_status(order_id) != status
           && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(milliseconds{50});
  }
};

// A requeue starts the retry budget over (first_attempt_at = NULL); the key's
// age is the order's, so the requeued charge still looks itself up first.
TEST_F(charges_past_the_key_lifetime,
       dead_letter_requeued_after_the_key_expired_is_not_charged_again) {
  checkout_spec spec;
  spec.checkout_id = unique("co_requeue");
  spec.orders.push_back(
    {unique("po_requeue"), unique("seller_requeue"), "9.00", "USD"});
  const auto order = spec.orders.front().payment_order_id;
  ASSERT_NO_FATAL_FAILURE(post_and_lose_the_answer(spec));
  ASSERT_EQ(charges_of(order), 1u);
  ASSERT_NO_FATAL_FAILURE(requeue_past_the_key_lifetime(order, "SUCCESS"));
  EXPECT_EQ(order_status(order), "SUCCESS");
  EXPECT_EQ(charges_of(order), 1u) << "charged again under a forgotten key";
}

// Found by the search, the intent is read with its charge: the card rules
// decide on the same checks as at its authorization, so a card held for
// review is held again, never captured for want of its checks.
TEST_F(charges_past_the_key_lifetime,
       a_held_card_found_after_the_key_expired_is_held_again_not_captured) {
  checkout_spec spec;
  spec.checkout_id = unique("co_held");
  spec.psp_token = "pm_card_cvcCheckFail";
  spec.orders.push_back(
    {unique("po_held"), unique("seller_held"), "9.00", "USD"});
  const auto order = spec.orders.front().payment_order_id;
  ASSERT_NO_FATAL_FAILURE(post_and_lose_the_answer(spec));
  ASSERT_NO_FATAL_FAILURE(requeue_past_the_key_lifetime(order, "REVIEW"));
  auto v = json_of(api().get("/v1/payments/" + order));
  EXPECT_EQ(string_at(v, {"status"}), "REVIEW");
  EXPECT_EQ(string_at(v, {"card_checks", "cvc_check"}), "fail");
  auto pi = string_at(v, {"psp_reference"});
  auto at_psp = json_of(sim().get("/sim/payment_intents/" + pi));
  EXPECT_EQ(at_psp.at("amount_captured"), json::value(0))
    << "captured a card the rules hold";
}

}  // namespace
}  // namespace pay::it
