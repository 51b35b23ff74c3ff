// What happens to intents nobody finishes, with signed webhooks to an
// in-process receiver: an authorization nobody captures is canceled after
// the capture window (reason automatic), a 3-D Secure challenge nobody
// answers after the action expiry (reason abandoned), each with
// payment_intent.canceled; and the webhooks of authorizing, capturing and
// canceling. Times run on pspsim's simulated clock.
#include <string>
#include <vector>

#include <algorithm>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "http/form.hpp"
#include "http/sync_client.hpp"
#include "tests/pspsim/pspsim_fixtures.hpp"

namespace pay::pspsim {
namespace {

using namespace harness;

const std::string secret = "whsec_capture";
const std::string return_url = "https://shop.example/back";

class capture_expiry : public pspsim_with_webhooks {
 protected:
  explicit capture_expiry(
    const std::vector<std::string>& options = {"--three-ds-ms", "600000"})
      : pspsim_with_webhooks(secret, options) {}

  std::string create(const std::string& card,
                     const std::string& method = "manual") {
    auto fields = with_card(visa_payment(), card);
    fields.emplace_back("capture_method", method);
    if (card == "pm_card_threeDSecureRequired") {
      fields.emplace_back("return_url", return_url);
    }
    const auto r = post("/v1/payment_intents", fields);
    EXPECT_EQ(r.res.result_int(), 200u) << r.res.body();
    return id_of(r);
  }
  boost::json::object intent(const std::string& id) {
    return json_of(get("/v1/payment_intents/" + id));
  }
  boost::json::object stats() { return json_of(client_->get("/sim/stats")); }
  // Sorted: webhooks are delivered concurrently, in no promised order.
  static std::vector<std::string> types_of(
    const std::vector<received_webhook>& got) {
    std::vector<std::string> out;
    out.reserve(got.size());
    for (const auto& w : got) out.push_back(w.type);
    std::sort(out.begin(), out.end());
    return out;
  }
  // data.object of the delivered event of `type`.
  static boost::json::object object_of(const std::vector<received_webhook>& got,
                                       const std::string& type) {
    for (const auto& w : got) {
      if (w.type != type) continue;
      return boost::json::parse(w.body).at("data").at("object").as_object();
    }
    ADD_FAILURE() << "no " << type;
    return {};
  }
};

// Shorter windows: a minute to capture, half a minute to authenticate.
class short_expiry : public capture_expiry {
 protected:
  short_expiry()
      : capture_expiry({"--three-ds-ms", "600000", "--capture-window-s", "60",
                        "--action-expiry-s", "30", "--session-expiry-s",
                        "172800"}) {}
};

TEST_F(capture_expiry, an_authorization_then_its_capture_publish_their_events) {
  const std::string id = create("pm_card_visa");
  ASSERT_EQ(post("/v1/payment_intents/" + id + "/capture", {}).res.result_int(),
            200u);
  const auto got = hooks_of(id, 2);
  ASSERT_EQ(got.size(), 2u);
  for (const auto& w : got) {
    EXPECT_EQ(w.verified, domain::webhook_verify_result::ok);
  }
  const auto authorized = object_of(got,
                                    "payment_intent.amount_capturable_updated");
  EXPECT_EQ(authorized.at("status"), "requires_capture");
  EXPECT_EQ(authorized.at("amount_capturable"), 1000);
  EXPECT_EQ(object_of(got, "payment_intent.succeeded").at("amount_received"),
            1000);
}

TEST_F(capture_expiry, cancel_publishes_payment_intent_canceled) {
  const std::string id = create("pm_card_visa");
  ASSERT_EQ(post("/v1/payment_intents/" + id + "/cancel",
                 {{"cancellation_reason", "duplicate"}})
              .res.result_int(),
            200u);
  const auto got = hooks_of(id, 2);
  const auto canceled = object_of(got, "payment_intent.canceled");
  EXPECT_EQ(canceled.at("status"), "canceled");
  EXPECT_EQ(canceled.at("cancellation_reason"), "duplicate");
}

TEST_F(capture_expiry,
       an_uncaptured_intent_expires_after_seven_days_as_automatic) {
  const std::string id = create("pm_card_visa");
  advance_clock(*client_, 604'790);
  EXPECT_EQ(intent(id).at("status"), "requires_capture");
  advance_clock(*client_, 10);
  const auto pi = intent(id);
  EXPECT_EQ(pi.at("status"), "canceled");
  EXPECT_EQ(pi.at("cancellation_reason"), "automatic");
  EXPECT_EQ(pi.at("amount_capturable"), 0);
  const auto got = hooks_of(id, 2);
  EXPECT_EQ(types_of(got), (std::vector<std::string>{
                             "payment_intent.amount_capturable_updated",
                             "payment_intent.canceled"}));
  EXPECT_EQ(object_of(got, "payment_intent.canceled").at("cancellation_reason"),
            "automatic");
  EXPECT_EQ(stats().at("automatic_expiries"), 1);
  const auto late = post("/v1/payment_intents/" + id + "/capture", {});
  EXPECT_EQ(error_field(late, "code"), "payment_intent_unexpected_state");
}

TEST_F(capture_expiry, a_captured_or_automatic_intent_never_expires) {
  const std::string captured = create("pm_card_visa");
  ASSERT_EQ(
    post("/v1/payment_intents/" + captured + "/capture", {}).res.result_int(),
    200u);
  const std::string automatic = create("pm_card_visa", "automatic");
  advance_clock(*client_, 2 * 604'800);
  EXPECT_EQ(intent(captured).at("status"), "succeeded");
  EXPECT_EQ(intent(automatic).at("status"), "succeeded");
  EXPECT_EQ(stats().at("automatic_expiries"), 0);
}

TEST_F(capture_expiry,
       an_unanswered_challenge_expires_after_a_day_as_abandoned) {
  const std::string id = create("pm_card_threeDSecureRequired");
  // The buyer opens the page (its timer stops) and walks away.
  ASSERT_EQ(client_->get("/authenticate/" + id).res.result_int(), 200u);
  advance_clock(*client_, 86'390);
  EXPECT_EQ(intent(id).at("status"), "requires_action");
  advance_clock(*client_, 10);
  const auto pi = intent(id);
  EXPECT_EQ(pi.at("status"), "canceled");
  EXPECT_EQ(pi.at("cancellation_reason"), "abandoned");
  EXPECT_TRUE(pi.at("next_action").is_null());
  const auto got = hooks_of(id, 2);
  EXPECT_EQ(types_of(got),
            (std::vector<std::string>{"payment_intent.canceled",
                                      "payment_intent.requires_action"}));
  const auto s = stats();
  EXPECT_EQ(s.at("abandoned_expiries"), 1);
  EXPECT_EQ(s.at("processing"), 0);
  // Coming back sends the buyer on, failed.
  const auto back = client_->get("/authenticate/" + id);
  ASSERT_EQ(back.res.result_int(), 303u);
  EXPECT_NE(header_of(back, "Location").find("redirect_status=failed"),
            std::string::npos);
}

TEST_F(short_expiry, the_capture_window_option_shortens_the_wait) {
  const std::string id = create("pm_card_visa");
  advance_clock(*client_, 50);
  EXPECT_EQ(intent(id).at("status"), "requires_capture");
  advance_clock(*client_, 10);
  EXPECT_EQ(intent(id).at("cancellation_reason"), "automatic");
}

TEST_F(short_expiry,
       an_abandoned_hosted_challenge_lets_the_buyer_try_another_card) {
  const std::string session = id_of(
    post("/v1/checkout/sessions", session_form("1234")));
  const auto pay = [&](const std::string& number) {
    const http::form_fields fields{{"card_number", number},
                                   {"card_expiry", "12/39"},
                                   {"card_cvc", "123"},
                                   {"card_name", "Ann Buyer"}};
    return client_->post("/pay/" + session, http::form_encode(fields),
                         form_type);
  };
  ASSERT_EQ(pay("4000002760003184").res.result_int(), 303u);
  advance_clock(*client_, 30);
  const auto form = client_->get("/pay/" + session);
  ASSERT_EQ(form.res.result_int(), 200u);
  EXPECT_NE(form.res.body().find("The payment failed (abandoned)."),
            std::string::npos)
    << form.res.body();
  ASSERT_EQ(pay("4242424242424242").res.result_int(), 303u);
  const auto paid = json_of(get("/v1/checkout/sessions/" + session));
  EXPECT_EQ(paid.at("status"), "complete");
}

}  // namespace
}  // namespace pay::pspsim
