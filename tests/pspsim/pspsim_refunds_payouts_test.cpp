// Black-box tests of refunds and payouts against the real pspsim process:
// limits (also under concurrency), idempotent replays, the payout life
// cycle and its signed webhooks, and their faults.
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "domain/payin/webhook_signature.hpp"
#include "http/form.hpp"
#include "http/sync_client.hpp"
#include "tests/pspsim/pspsim_fixtures.hpp"

namespace pay::pspsim {
namespace {

using namespace std::chrono_literals;
using namespace harness;

const std::string secret = "whsec_money_out";

class money_out : public pspsim_with_webhooks {
 protected:
  money_out()
      : pspsim_with_webhooks(secret,
                             {"--payout-ms", "300", "--processing-ms", "60000",
                              "--webhook-backoff-max-ms", "100"}) {}

  std::string charge(const std::string& amount = "1000",
                     const std::string& token = "pm_card_visa") {
    const auto r = post("/v1/payment_intents", {{"amount", amount},
                                                {"currency", "usd"},
                                                {"payment_method", token},
                                                {"confirm", "true"}});
    EXPECT_TRUE(r.ok) << r.error;
    return intent_id_of(r);
  }
  http::sync_result refund(const http::form_fields& fields,
                           const std::string& key = {}) {
    return post("/v1/refunds", fields, key);
  }
  http::sync_result payout(const http::form_fields& fields,
                           const std::string& key) {
    return post("/v1/payouts", fields, key);
  }
  // Hides the base's get: these tests only read JSON.
  boost::json::object get(const std::string& target) {
    return json_of(client_->get(target, auth_headers()));
  }
  // Polls GET /v1/payouts/{id} until it is no longer pending.
  boost::json::object wait_final(const std::string& id) {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    for (;;) {
      auto p = get("/v1/payouts/" + id);
      if (p.at("status") != "pending"
          || std::chrono::steady_clock::now() > deadline) {
        return p;
      }
      std::this_thread::sleep_for(20ms);
    }
  }
};

TEST_F(money_out, full_refund_takes_the_whole_amount_by_default) {
  const std::string pi = charge("1000");
  const auto r = refund(
    {{"payment_intent", pi}, {"reason", "requested_by_customer"}});
  ASSERT_EQ(r.res.result_int(), 200u) << r.res.body();
  const auto body = json_of(r);
  EXPECT_EQ(body.at("object"), "refund");
  EXPECT_EQ(body.at("amount"), 1000);
  EXPECT_EQ(body.at("currency"), "usd");
  EXPECT_EQ(body.at("payment_intent").as_string(), pi);
  EXPECT_EQ(body.at("status"), "succeeded");
  EXPECT_EQ(body.at("reason"), "requested_by_customer");
  const std::string id(body.at("id").as_string());
  EXPECT_EQ(id.rfind("re_", 0), 0u);
  EXPECT_EQ(get("/v1/refunds/" + id), body);
  // Nothing is left: another full refund is refused.
  const auto again = refund({{"payment_intent", pi}});
  EXPECT_EQ(again.res.result_int(), 400u);
  EXPECT_EQ(error_field(again, "code"), "charge_already_refunded");
}

TEST_F(money_out, partial_refunds_add_up_to_the_amount_and_no_further) {
  const std::string pi = charge("1000");
  EXPECT_EQ(
    refund({{"payment_intent", pi}, {"amount", "300"}}).res.result_int(), 200u);
  EXPECT_EQ(
    refund({{"payment_intent", pi}, {"amount", "600"}}).res.result_int(), 200u);
  const auto over = refund({{"payment_intent", pi}, {"amount", "101"}});
  EXPECT_EQ(over.res.result_int(), 400u);
  EXPECT_EQ(error_field(over, "type"), "invalid_request_error");
  EXPECT_EQ(error_field(over, "code"), "amount_too_large");
  EXPECT_EQ(error_field(over, "param"), "amount");
  const auto rest = refund({{"payment_intent", pi}});
  ASSERT_EQ(rest.res.result_int(), 200u);
  EXPECT_EQ(json_of(rest).at("amount"), 100);
}

TEST_F(money_out, refund_over_the_amount_is_refused_at_once) {
  const std::string pi = charge("500");
  const auto r = refund({{"payment_intent", pi}, {"amount", "501"}});
  EXPECT_EQ(r.res.result_int(), 400u);
  EXPECT_EQ(error_field(r, "code"), "amount_too_large");
}

TEST_F(money_out, concurrent_refunds_never_exceed_the_amount) {
  const std::string pi = charge("1000");
  constexpr int threads = 8;
  constexpr int per_thread = 5;
  std::atomic<int> accepted{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      http::sync_client c("127.0.0.1", sim_.port());
      for (int i = 0; i < per_thread; ++i) {
        const auto r = c.post(
          "/v1/refunds",
          http::form_encode({{"payment_intent", pi}, {"amount", "70"}}),
          form_type,
          auth_headers("rf_c_" + std::to_string(t) + "_" + std::to_string(i)));
        if (r.res.result_int() == 200u) ++accepted;
        if (r.res.result_int() == 400u
            && error_field(r, "code") == "amount_too_large") {
          ++refused;
        }
      }
    });
  }
  for (auto& th : pool) th.join();
  // 14 * 70 = 980 fits, a 15th would be 1050.
  EXPECT_EQ(accepted.load(), 14);
  EXPECT_EQ(refused.load(), threads * per_thread - 14);
}

TEST_F(money_out, refund_replays_under_its_key_and_refuses_other_params) {
  const std::string pi = charge("1000");
  const auto first = refund({{"payment_intent", pi}, {"amount", "200"}},
                            "rf_same");
  ASSERT_EQ(first.res.result_int(), 200u);
  EXPECT_EQ(header_of(first, "Idempotency-Key"), "rf_same");
  EXPECT_EQ(header_of(first, "Idempotent-Replayed"), "");
  const auto replay = refund({{"amount", "200"}, {"payment_intent", pi}},
                             "rf_same");
  ASSERT_EQ(replay.res.result_int(), 200u);
  EXPECT_EQ(header_of(replay, "Idempotent-Replayed"), "true");
  EXPECT_EQ(replay.res.body(), first.res.body());
  const auto other = refund({{"payment_intent", pi}, {"amount", "300"}},
                            "rf_same");
  EXPECT_EQ(other.res.result_int(), 400u);
  EXPECT_EQ(error_field(other, "type"), "idempotency_error");
  // Only one refund was made: 800 are left.
  EXPECT_EQ(json_of(refund({{"payment_intent", pi}})).at("amount"), 800);
}

TEST_F(money_out, only_succeeded_intents_are_refundable) {
  const std::string declined = charge("1000", "pm_card_chargeDeclined");
  const auto r = refund({{"payment_intent", declined}});
  EXPECT_EQ(r.res.result_int(), 400u);
  EXPECT_EQ(error_field(r, "code"), "charge_not_refundable");
  EXPECT_EQ(error_field(r, "param"), "payment_intent");
  const std::string processing = charge("1000", "pm_card_processing");
  EXPECT_EQ(error_field(refund({{"payment_intent", processing}}), "code"),
            "charge_not_refundable");
  const auto unknown = refund({{"payment_intent", "pi_nope"}});
  EXPECT_EQ(unknown.res.result_int(), 404u);
  EXPECT_EQ(error_field(unknown, "code"), "resource_missing");
  EXPECT_EQ(
    client_->get("/v1/refunds/re_nope", auth_headers()).res.result_int(), 404u);
  const auto missing = refund({{"amount", "5"}});
  EXPECT_EQ(error_field(missing, "code"), "parameter_missing");
  EXPECT_EQ(error_field(missing, "param"), "payment_intent");
}

TEST_F(money_out, payout_is_pending_then_paid_with_a_signed_webhook) {
  const auto r = payout({{"amount", "5000"},
                         {"currency", "USD"},
                         {"destination", "acct_alice"},
                         {"metadata[seller]", "alice"}},
                        "pyo_1");
  ASSERT_EQ(r.res.result_int(), 200u) << r.res.body();
  const auto created = json_of(r);
  EXPECT_EQ(created.at("object"), "payout");
  EXPECT_EQ(created.at("status"), "pending");
  EXPECT_EQ(created.at("amount"), 5000);
  EXPECT_EQ(created.at("currency"), "usd");
  EXPECT_EQ(created.at("destination"), "acct_alice");
  EXPECT_TRUE(created.at("failure_code").is_null());
  EXPECT_EQ(created.at("metadata").at("seller"), "alice");
  const std::string id(created.at("id").as_string());
  EXPECT_EQ(id.rfind("po_", 0), 0u);
  // Nobody polls: the timer pays it and the webhook goes out.
  const auto hooks = hooks_of(id, 1);
  ASSERT_EQ(hooks.size(), 1u);
  EXPECT_EQ(hooks[0].type, "payout.paid");
  EXPECT_EQ(hooks[0].object_status, "paid");
  EXPECT_EQ(hooks[0].verified, domain::webhook_verify_result::ok);
  EXPECT_EQ(get("/v1/payouts/" + id).at("status"), "paid");
}

TEST_F(money_out, payout_to_a_closed_account_fails_with_a_webhook) {
  const auto r = payout({{"amount", "700"},
                         {"currency", "eur"},
                         {"destination", "acct_closed_bob"}},
                        "pyo_closed");
  ASSERT_EQ(r.res.result_int(), 200u);
  const std::string id(json_of(r).at("id").as_string());
  const auto final_state = wait_final(id);
  EXPECT_EQ(final_state.at("status"), "failed");
  EXPECT_EQ(final_state.at("failure_code"), "account_closed");
  const auto hooks = hooks_of(id, 1);
  ASSERT_EQ(hooks.size(), 1u);
  EXPECT_EQ(hooks[0].type, "payout.failed");
  EXPECT_EQ(hooks[0].verified, domain::webhook_verify_result::ok);
}

TEST_F(money_out, sim_fail_forces_a_pending_payout_to_fail_once) {
  const auto r = payout(
    {{"amount", "700"}, {"currency", "usd"}, {"destination", "acct_carol"}},
    "pyo_forced");
  const std::string id(json_of(r).at("id").as_string());
  const auto failed = client_->post("/sim/payouts/" + id + "/fail", "",
                                    "text/plain");
  ASSERT_EQ(failed.res.result_int(), 200u) << failed.res.body();
  EXPECT_EQ(json_of(failed).at("status"), "failed");
  EXPECT_EQ(json_of(failed).at("failure_code"), "account_closed");
  const auto hooks = hooks_of(id, 1);
  ASSERT_EQ(hooks.size(), 1u);
  EXPECT_EQ(hooks[0].type, "payout.failed");
  // Not pending any more, and it stays failed after its delay.
  EXPECT_EQ(client_->post("/sim/payouts/" + id + "/fail", "", "text/plain")
              .res.result_int(),
            409u);
  std::this_thread::sleep_for(400ms);
  EXPECT_EQ(get("/v1/payouts/" + id).at("status"), "failed");
  EXPECT_EQ(hooks_of(id, 2).size(), 1u);
  EXPECT_EQ(client_->post("/sim/payouts/po_nope/fail", "", "text/plain")
              .res.result_int(),
            404u);
}

TEST_F(money_out, payout_replays_under_its_key_and_needs_one) {
  const http::form_fields fields{{"amount", "900"},
                                 {"currency", "usd"},
                                 {"destination", "acct_dave"}};
  const auto first = payout(fields, "pyo_same");
  ASSERT_EQ(first.res.result_int(), 200u);
  const auto replay = payout(fields, "pyo_same");
  EXPECT_EQ(header_of(replay, "Idempotent-Replayed"), "true");
  EXPECT_EQ(replay.res.body(), first.res.body());
  const auto other = payout(with_value(fields, "amount", "901"), "pyo_same");
  EXPECT_EQ(other.res.result_int(), 400u);
  EXPECT_EQ(error_field(other, "code"), "idempotency_key_reused");
  const auto keyless = payout(fields, "");
  EXPECT_EQ(keyless.res.result_int(), 400u);
  EXPECT_EQ(error_field(keyless, "code"), "idempotency_key_missing");
  EXPECT_EQ(error_field(payout(without(fields, "destination"), "pyo_x"),
                        "param"),
            "destination");
  EXPECT_EQ(error_field(payout(with_value(fields, "amount", "0"), "pyo_y"),
                        "code"),
            "amount_too_small");
  // One payout, one webhook.
  const std::string id(json_of(first).at("id").as_string());
  EXPECT_EQ(wait_final(id).at("status"), "paid");
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(hooks_of(id, 2).size(), 1u);
}

TEST_F(money_out, faults_apply_to_refunds_and_payouts) {
  const std::string pi = charge("1000");
  ASSERT_EQ(client_
              ->post("/sim/faults", R"({"seed":3,"reset_after_commit":1})",
                     "application/json")
              .res.result_int(),
            200u);
  // The refund is made, its answer lost; the retry replays it.
  const auto lost = refund({{"payment_intent", pi}, {"amount", "400"}},
                           "rf_lost");
  EXPECT_FALSE(lost.ok);
  const auto lost_payout = payout(
    {{"amount", "100"}, {"currency", "usd"}, {"destination", "acct_e"}},
    "pyo_lost");
  EXPECT_FALSE(lost_payout.ok);
  ASSERT_EQ(client_
              ->post("/sim/faults", R"({"seed":3,"error_500":1})",
                     "application/json")
              .res.result_int(),
            200u);
  EXPECT_EQ(client_->get("/v1/payouts/po_x", auth_headers()).res.result_int(),
            500u);
  EXPECT_EQ(client_->get("/v1/refunds/re_x", auth_headers()).res.result_int(),
            500u);
  ASSERT_EQ(
    client_
      ->send([] {
        http::request req{boost::beast::http::verb::delete_, "/sim/faults", 11};
        return req;
      }())
      .res.result_int(),
    200u);
  const auto retry = refund({{"payment_intent", pi}, {"amount", "400"}},
                            "rf_lost");
  EXPECT_EQ(header_of(retry, "Idempotent-Replayed"), "true");
  const auto payout_retry = payout(
    {{"amount", "100"}, {"currency", "usd"}, {"destination", "acct_e"}},
    "pyo_lost");
  EXPECT_EQ(header_of(payout_retry, "Idempotent-Replayed"), "true");
  // Exactly one refund of 400 was made.
  EXPECT_EQ(json_of(refund({{"payment_intent", pi}})).at("amount"), 600);
  const auto injected = json_of(client_->get("/sim/faults")).at("injected");
  EXPECT_EQ(injected.at("reset_after_commit"), 2);
  EXPECT_EQ(injected.at("error_500"), 2);
}

TEST_F(money_out, reset_forgets_refunds_and_payouts) {
  const std::string pi = charge("1000");
  const auto r = refund({{"payment_intent", pi}, {"amount", "100"}});
  const std::string refund_id(json_of(r).at("id").as_string());
  const auto p = payout(
    {{"amount", "100"}, {"currency", "usd"}, {"destination", "a"}}, "pyo_r");
  const std::string payout_id(json_of(p).at("id").as_string());
  ASSERT_EQ(client_->post("/sim/reset", "", "text/plain").res.result_int(),
            200u);
  EXPECT_EQ(
    client_->get("/v1/refunds/" + refund_id, auth_headers()).res.result_int(),
    404u);
  EXPECT_EQ(
    client_->get("/v1/payouts/" + payout_id, auth_headers()).res.result_int(),
    404u);
  // The key is free again: a new payout, not a replay.
  const auto again = payout(
    {{"amount", "200"}, {"currency", "usd"}, {"destination", "a"}}, "pyo_r");
  EXPECT_EQ(again.res.result_int(), 200u);
  EXPECT_EQ(header_of(again, "Idempotent-Replayed"), "");
}

TEST_F(money_out, sim_lists_refunds_and_payouts_once_each_with_their_keys) {
  const std::string pi = charge("1000");
  ASSERT_EQ(refund({{"payment_intent", pi}, {"amount", "300"}}, "rf_list")
              .res.result_int(),
            200u);
  ASSERT_EQ(refund({{"payment_intent", pi}, {"amount", "300"}}, "rf_list")
              .res.result_int(),
            200u);
  const http::form_fields fields{{"amount", "900"},
                                 {"currency", "usd"},
                                 {"destination", "acct_erin"}};
  ASSERT_EQ(payout(fields, "pyo_list").res.result_int(), 200u);
  ASSERT_EQ(payout(fields, "pyo_list").res.result_int(), 200u);
  const auto refunds =
    json_of(client_->get("/sim/refunds")).at("data").as_array();
  ASSERT_EQ(refunds.size(), 1u);  // the replay made none
  EXPECT_EQ(refunds[0].at("idempotency_key"), "rf_list");
  EXPECT_EQ(refunds[0].at("amount"), 300);
  const auto payouts =
    json_of(client_->get("/sim/payouts")).at("data").as_array();
  ASSERT_EQ(payouts.size(), 1u);
  EXPECT_EQ(payouts[0].at("idempotency_key"), "pyo_list");
  EXPECT_EQ(payouts[0].at("destination"), "acct_erin");
}

}  // namespace
}  // namespace pay::pspsim
