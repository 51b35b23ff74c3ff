// Refunds the PSP does not decide at once, and refunds older than the PSP's
// idempotency key (docs/refunds.md, docs/stripe.md): a refund answered
// `pending` is stored PENDING with its re_... id and from then on only read
// back (GET /v1/refunds/{re}) or moved by a refund.updated webhook, never
// POSTed again; a refund retried after the key may have expired looks itself
// up instead of POSTing. pspsim's GET /sim/refund_counts proves how often
// paymentd asked (POSTs per Idempotency-Key = refund id) and how many
// refunds it made (per payment intent).

#include <chrono>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "tests/money/refund_fixture.hpp"

namespace pay::it {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

// On the stack's own pspsim: pm_card_pendingRefund's refunds stay pending
// about 1 s (its --refund-pending-ms is 0), then succeed.
class pending_refunds : public refund_fixture {};

TEST_F(pending_refunds,
       refund_answered_pending_is_read_back_by_id_and_posted_exactly_once) {
  auto order = paid_order("pending", "12.00", "USD", "pm_card_pendingRefund");
  ASSERT_EQ(wallet_minor(order.seller_account), 1200);
  const auto intent = intent_of(order.payment_order_id);
  auto id = create_refund(order.payment_order_id, "", unique("key_pending"));
  ASSERT_FALSE(id.empty());

  auto pending = wait_status(id, "PENDING", milliseconds{5'000});
  ASSERT_EQ(string_at(pending, {"status"}), "PENDING")
    << json::serialize(pending);
  EXPECT_EQ(string_at(pending, {"psp_reference"}).rfind("re_", 0), 0u)
    << json::serialize(pending);
  EXPECT_EQ(string_at(pending, {"amount"}), "12.00");

  auto done = wait_final(id);
  ASSERT_EQ(string_at(done, {"status"}), "SUCCEEDED") << json::serialize(done);
  EXPECT_EQ(string_at(done, {"psp_reference"}),
            string_at(pending, {"psp_reference"}));
  // The money moved once, when the PSP said succeeded.
  EXPECT_EQ(wallet_minor(order.seller_account), 0);
  EXPECT_EQ(refund_bookings(id), 1);
  EXPECT_EQ(moves_to(id, "PENDING"), 1);
  EXPECT_EQ(moves_to(id, "SUCCEEDED"), 1);
  // Asked once, refunded once.
  EXPECT_EQ(psp_posts_of(id), 1);
  EXPECT_EQ(psp_refunds_of(intent), 1);
  EXPECT_EQ(psp_refunded_minor(intent, 1200), 1200);
}

TEST_F(pending_refunds, partial_pending_refunds_each_post_once_and_book_once) {
  auto order = paid_order("pending_two", "10.00", "USD",
                          "pm_card_pendingRefund");
  const auto intent = intent_of(order.payment_order_id);
  auto first = create_refund(order.payment_order_id, "3.00",
                             unique("key_pending_1"));
  auto second = create_refund(order.payment_order_id, "5.00",
                              unique("key_pending_2"));
  ASSERT_FALSE(first.empty());
  ASSERT_FALSE(second.empty());
  EXPECT_EQ(string_at(wait_final(first), {"status"}), "SUCCEEDED");
  EXPECT_EQ(string_at(wait_final(second), {"status"}), "SUCCEEDED");
  EXPECT_EQ(wallet_minor(order.seller_account), 200);
  EXPECT_EQ(psp_posts_of(first), 1);
  EXPECT_EQ(psp_posts_of(second), 1);
  EXPECT_EQ(psp_refunds_of(intent), 2);
  EXPECT_EQ(psp_refunded_minor(intent, 1000), 800);
}

TEST_F(pending_refunds,
       failing_reads_of_a_pending_refund_are_retried_by_reading_not_posting) {
  auto order = paid_order("pending_reads", "6.00", "USD",
                          "pm_card_pendingRefund");
  const auto intent = intent_of(order.payment_order_id);
  auto id = create_refund(order.payment_order_id, "", unique("key_reads"));
  ASSERT_EQ(string_at(wait_status(id, "PENDING", milliseconds{5'000}),
                      {"status"}),
            "PENDING");
  // Every read answers 500 or 429 for a while (a POST would too).
  set_faults(R"({"seed": 21, "error_500": 0.6, "error_429": 0.4})");
  std::this_thread::sleep_for(milliseconds{1'500});
  set_faults("{}");
  EXPECT_EQ(string_at(wait_final(id), {"status"}), "SUCCEEDED");
  EXPECT_EQ(psp_posts_of(id), 1);
  EXPECT_EQ(psp_refunds_of(intent), 1);
  EXPECT_EQ(refund_bookings(id), 1);
  EXPECT_EQ(wallet_minor(order.seller_account), 0);
}

// Refunds stay pending 10 minutes at pspsim (unless its clock is advanced)
// and paymentd's first poll of a pending refund is a minute away: only the
// refund.updated webhook can finish a refund quickly.
class pending_refunds_moved_by_webhooks
    : public refunds_in_a_world_of_their_own {
 protected:
  env_list pspsim_env() const override {
    return {{"PSPSIM_REFUND_PENDING_MS", "600000"}};
  }
  env_list paymentd_env() const override {
    return {{"PAYMENTD_PSP_PROCESSING_POLL_MS", "60000"},
            {"PAYMENTD_PSP_PENDING_POLL_MAX_MS", "600000"}};
  }

  // pspsim's clock jumps past the pending delay: the refund succeeds there
  // now and its refund.updated webhook goes out.
  void end_pending_at_the_psp() {
    auto r = sim().post("/sim/clock/advance?seconds=601", "",
                        "application/json");
    ASSERT_TRUE(r.ok) << r.error;
    ASSERT_EQ(r.res.result_int(), 200u) << r.res.body();
  }

  // The refund.updated events pspsim published for the refund `re`.
  std::size_t refund_updated_events(const std::string& re) {
    auto v = json_of(sim().get("/sim/webhooks"));
    std::size_t n = 0;
    if (v.is_object() && v.as_object().contains("data"))
      for (const auto& e : v.at("data").as_array())
        if (string_at(e, {"type"}) == "refund.updated"
            && string_at(e, {"object_id"}) == re)
          ++n;
    return n;
  }
};

TEST_F(
  pending_refunds_moved_by_webhooks,
  refund_updated_webhook_finishes_a_pending_refund_long_before_its_next_poll) {
  auto order = paid_order("webhook", "9.00");
  const auto intent = intent_of(order.payment_order_id);
  auto id = create_refund(order.payment_order_id, "4.00", unique("key_wh"));
  auto pending = wait_status(id, "PENDING", milliseconds{5'000});
  ASSERT_EQ(string_at(pending, {"status"}), "PENDING")
    << json::serialize(pending);
  const auto re = string_at(pending, {"psp_reference"});
  EXPECT_EQ(re.rfind("re_", 0), 0u) << re;
  // Nothing moves it while the PSP has not decided.
  std::this_thread::sleep_for(milliseconds{1'000});
  EXPECT_EQ(string_at(refund(id), {"status"}), "PENDING");
  EXPECT_EQ(wallet_minor(order.seller_account), 900);
  EXPECT_EQ(refund_bookings(id), 0);

  end_pending_at_the_psp();
  const auto decided = std::chrono::steady_clock::now();
  auto done = wait_status(id, "SUCCEEDED", milliseconds{10'000});
  const auto took = std::chrono::duration_cast<milliseconds>(
    std::chrono::steady_clock::now() - decided);
  ASSERT_EQ(string_at(done, {"status"}), "SUCCEEDED") << json::serialize(done);
  EXPECT_LT(took.count(), 10'000) << "moved by the poll, not the webhook";
  EXPECT_GE(refund_updated_events(re), 1u);
  EXPECT_EQ(string_at(done, {"psp_reference"}), re);
  EXPECT_EQ(wallet_minor(order.seller_account), 500);
  EXPECT_EQ(refund_bookings(id), 1);
  EXPECT_EQ(psp_posts_of(id), 1);
  EXPECT_EQ(psp_refunds_of(intent), 1);
}

TEST_F(pending_refunds_moved_by_webhooks,
       pending_refund_resumed_after_a_crash_is_read_back_not_posted_again) {
  auto order = paid_order("pending_crash", "7.00");
  const auto intent = intent_of(order.payment_order_id);
  auto id = create_refund(order.payment_order_id, "", unique("key_pcrash"));
  ASSERT_EQ(string_at(wait_status(id, "PENDING", milliseconds{5'000}),
                      {"status"}),
            "PENDING");
  ASSERT_EQ(stack().kill_and_restart_paymentd(), "");
  reconnect_api();
  // Recovery resumed it: still PENDING, nothing sent again.
  std::this_thread::sleep_for(milliseconds{1'000});
  EXPECT_EQ(string_at(refund(id), {"status"}), "PENDING");
  EXPECT_EQ(psp_posts_of(id), 1);
  end_pending_at_the_psp();
  EXPECT_EQ(string_at(wait_status(id, "SUCCEEDED", milliseconds{10'000}),
                      {"status"}),
            "SUCCEEDED");
  EXPECT_EQ(psp_posts_of(id), 1);
  EXPECT_EQ(psp_refunds_of(intent), 1);
  EXPECT_EQ(refund_bookings(id), 1);
  EXPECT_EQ(wallet_minor(order.seller_account), 0);
}

// pspsim forgets an Idempotency-Key 2 s after its first use; paymentd trusts
// a key for 1 s (PAYMENTD_PSP_IDEMPOTENCY_KEY_TRUST_S) and waits 2.5 s for an
// answer, so a retry after a lost answer comes when the key is gone: a POST
// then would make a second refund.
class refunds_past_the_key_lifetime : public refunds_in_a_world_of_their_own {
 protected:
  env_list pspsim_env() const override {
    return {{"PSPSIM_IDEMPOTENCY_KEY_TTL_S", "2"}};
  }
  env_list paymentd_env() const override {
    // The retry budget outlasts these outages of seconds: the tests are
    // about the key's lifetime, not the dead-letter queue.
    return {{"PAYMENTD_PSP_IDEMPOTENCY_KEY_TRUST_S", "1"},
            {"PAYMENTD_PSP_REQUEST_TIMEOUT_MS", "2500"},
            {"PAYMENTD_PSP_RETRY_DEADLINE_MS", "600000"}};
  }
};

// Both need pspsim's GET /v1/refunds?payment_intent= (the lookup paymentd
// makes once a key may be gone).
TEST_F(
  refunds_past_the_key_lifetime,
  refund_retried_after_its_key_expired_looks_itself_up_instead_of_posting) {
  auto order = paid_order("expired_key", "8.00");
  const auto intent = intent_of(order.payment_order_id);
  // The first POST is processed (the refund is made) and its answer held
  // past paymentd's timeout, then the connection is reset.
  set_faults(R"({"seed": 31, "timeout_after_commit": 1, "hold_ms": 5000})");
  auto id = create_refund(order.payment_order_id, "", unique("key_expired"));
  ASSERT_FALSE(id.empty());
  ASSERT_TRUE(wait_psp_post(id, milliseconds{5'000}));
  set_faults("{}");
  ASSERT_EQ(psp_refunds_of(intent), 1) << "the first POST made the refund";

  auto done = wait_final(id, 20'000);
  EXPECT_EQ(string_at(done, {"status"}), "SUCCEEDED") << json::serialize(done);
  EXPECT_EQ(string_at(done, {"psp_reference"}).rfind("re_", 0), 0u);
  EXPECT_EQ(psp_refunds_of(intent), 1);
  EXPECT_EQ(psp_posts_of(id), 1) << "POSTed again after the key's lifetime";
  EXPECT_EQ(psp_refunded_minor(intent, 800), 800);
  EXPECT_EQ(refund_bookings(id), 1);
  EXPECT_EQ(wallet_minor(order.seller_account), 0);
}

TEST_F(refunds_past_the_key_lifetime,
       refund_the_psp_never_received_is_looked_up_then_posted_once) {
  auto order = paid_order("never_received", "5.00");
  const auto intent = intent_of(order.payment_order_id);
  // Nothing reaches pspsim's books for longer than the key is trusted.
  set_faults(R"({"seed": 32, "error_500": 1})");
  auto id = create_refund(order.payment_order_id, "", unique("key_never"));
  ASSERT_FALSE(id.empty());
  ASSERT_TRUE(wait_psp_post(id, milliseconds{5'000}));
  std::this_thread::sleep_for(milliseconds{2'000});
  EXPECT_EQ(psp_refunds_of(intent), 0);
  set_faults("{}");

  auto done = wait_final(id, 20'000);
  EXPECT_EQ(string_at(done, {"status"}), "SUCCEEDED") << json::serialize(done);
  // The lookup found nothing, so POSTing could not refund twice: one refund.
  EXPECT_EQ(psp_refunds_of(intent), 1);
  EXPECT_EQ(psp_refunded_minor(intent, 500), 500);
  EXPECT_EQ(refund_bookings(id), 1);
  EXPECT_EQ(wallet_minor(order.seller_account), 0);
}

}  // namespace
}  // namespace pay::it
