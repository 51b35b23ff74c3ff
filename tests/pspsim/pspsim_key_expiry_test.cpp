// Idempotency keys expire like Stripe's (about 24 h, --idempotency-key-ttl-s):
// within the window a key replays, after it the same key creates a new
// object on every POST endpoint. The simulated clock (/sim/clock/advance)
// stands in for the wait. Black-box against the real pspsim process.
#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "http/form.hpp"
#include "http/sync_client.hpp"
#include "tests/pspsim/pspsim_fixtures.hpp"

namespace pay::pspsim {
namespace {

using namespace harness;

constexpr std::int64_t day_s = 86'400;

class key_expiry : public pspsim_suite<key_expiry> {};

TEST_F(key_expiry, intent_key_replays_for_a_day_then_charges_again) {
  const auto first = post("/v1/payment_intents", visa_payment(), "po_1");
  advance_clock(*client_, day_s - 1);
  const auto replay = post("/v1/payment_intents", visa_payment(), "po_1");
  EXPECT_EQ(header_of(replay, "Idempotent-Replayed"), "true");
  EXPECT_EQ(id_of(replay), id_of(first));
  advance_clock(*client_, 1);
  const auto fresh = post("/v1/payment_intents", visa_payment(), "po_1");
  ASSERT_EQ(fresh.res.result_int(), 200u) << fresh.res.body();
  EXPECT_EQ(header_of(fresh, "Idempotent-Replayed"), "");
  EXPECT_NE(id_of(fresh), id_of(first));
  // What Stripe would do, and what a test must be able to see: two charges.
  EXPECT_EQ(json_of(client_->get("/sim/idempotency_keys")).at("po_1"), 2);
  EXPECT_EQ(json_of(client_->get("/sim/charges")).at("data").as_array().size(),
            2u);
}

TEST_F(key_expiry, an_expired_key_takes_other_parameters_too) {
  post("/v1/payment_intents", visa_payment("1000"), "po_2");
  EXPECT_EQ(
    post("/v1/payment_intents", visa_payment("2000"), "po_2").res.result_int(),
    400u);
  advance_clock(*client_, day_s);
  EXPECT_EQ(
    post("/v1/payment_intents", visa_payment("2000"), "po_2").res.result_int(),
    200u);
}

TEST_F(key_expiry, refund_key_expires_into_a_second_refund) {
  const std::string intent = id_of(
    post("/v1/payment_intents", visa_payment("1000"), "po_r"));
  const http::form_fields refund{{"payment_intent", intent}, {"amount", "300"}};
  const auto first = post("/v1/refunds", refund, "rf_1");
  EXPECT_EQ(id_of(post("/v1/refunds", refund, "rf_1")), id_of(first));
  advance_clock(*client_, day_s);
  const auto second = post("/v1/refunds", refund, "rf_1");
  ASSERT_EQ(second.res.result_int(), 200u) << second.res.body();
  EXPECT_NE(id_of(second), id_of(first));
  const auto counts = json_of(client_->get("/sim/refund_counts"));
  EXPECT_EQ(counts.at("posts_by_idempotency_key").at("rf_1"), 3);
  EXPECT_EQ(counts.at("refunds_by_payment_intent").at(intent), 2);
}

TEST_F(key_expiry, payout_key_expires_into_a_second_payout) {
  const http::form_fields payout{{"amount", "500"},
                                 {"currency", "usd"},
                                 {"destination", "acct_a"}};
  const auto first = post("/v1/payouts", payout, "pyo_1");
  EXPECT_EQ(id_of(post("/v1/payouts", payout, "pyo_1")), id_of(first));
  advance_clock(*client_, day_s);
  EXPECT_NE(id_of(post("/v1/payouts", payout, "pyo_1")), id_of(first));
  EXPECT_EQ(json_of(client_->get("/sim/payouts")).at("data").as_array().size(),
            2u);
}

TEST_F(key_expiry, session_key_expires_into_a_second_session) {
  const auto first = post("/v1/checkout/sessions", session_form(), "po_s");
  EXPECT_EQ(id_of(post("/v1/checkout/sessions", session_form(), "po_s")),
            id_of(first));
  advance_clock(*client_, day_s);
  EXPECT_NE(id_of(post("/v1/checkout/sessions", session_form(), "po_s")),
            id_of(first));
}

TEST_F(key_expiry, reversal_key_expires_into_a_second_reversal) {
  const std::string acct = id_of(
    post("/v1/accounts",
         {{"type", "express"}, {"capabilities[transfers][requested]", "true"}},
         "acct_k"));
  const std::string tr = id_of(post(
    "/v1/transfers",
    {{"amount", "1000"}, {"currency", "usd"}, {"destination", acct}}, "tf_k"));
  const std::string path = "/v1/transfers/" + tr + "/reversals";
  const http::form_fields reversal{{"amount", "300"}};
  const auto first = post(path, reversal, "rv_k");
  EXPECT_EQ(id_of(post(path, reversal, "rv_k")), id_of(first));
  advance_clock(*client_, day_s);
  const auto second = post(path, reversal, "rv_k");
  ASSERT_EQ(second.res.result_int(), 200u) << second.res.body();
  EXPECT_NE(id_of(second), id_of(first));
  EXPECT_EQ(json_of(client_->get("/v1/transfers/" + tr, auth_headers()))
              .at("amount_reversed"),
            600);
}

TEST_F(key_expiry, clock_advances_only_forward_and_reset_restores_it) {
  const auto before = json_of(client_->get("/sim/clock"));
  EXPECT_EQ(before.at("offset_s"), 0);
  advance_clock(*client_, 3600);
  const auto after = json_of(client_->get("/sim/clock"));
  EXPECT_EQ(after.at("offset_s"), 3600);
  EXPECT_GE(after.at("now").as_int64(), before.at("now").as_int64() + 3600);
  EXPECT_EQ(client_->post("/sim/clock/advance?seconds=-5", "", "text/plain")
              .res.result_int(),
            400u);
  ASSERT_EQ(client_->post("/sim/reset", "", "text/plain").res.result_int(),
            200u);
  EXPECT_EQ(json_of(client_->get("/sim/clock")).at("offset_s"), 0);
}

TEST(key_expiry_option, ttl_option_shortens_the_window) {
  pspsim_process sim({"--port", "0", "--idempotency-key-ttl-s", "60"});
  http::sync_client c("127.0.0.1", sim.port());
  const auto post = [&] {
    return c.post("/v1/payment_intents", http::form_encode(visa_payment()),
                  form_type, auth_headers("po_t"));
  };
  const auto first = post();
  advance_clock(c, 59);
  EXPECT_EQ(header_of(post(), "Idempotent-Replayed"), "true");
  advance_clock(c, 1);
  const auto fresh = post();
  EXPECT_EQ(header_of(fresh, "Idempotent-Replayed"), "");
  EXPECT_NE(json_of(fresh).at("id"), json_of(first).at("id"));
}

}  // namespace
}  // namespace pay::pspsim
