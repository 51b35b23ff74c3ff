// POST /v1/payment_intents as paymentd's connector sends it: 3-D Secure
// with error_on_requires_action (declined at once) or with return_url (a
// page the buyer visits, then back to return_url), and Stripe's amount
// rules per currency. Black-box against the real pspsim process.
#include <chrono>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "http/form.hpp"
#include "http/sync_client.hpp"
#include "tests/pspsim/pspsim_fixtures.hpp"

namespace pay::pspsim {
namespace {

using namespace std::chrono_literals;
using namespace harness;

const std::string return_url = "https://shop.example/back?order=1#top";

class intent_actions : public pspsim_suite<intent_actions> {
 public:
  static std::vector<std::string> pspsim_options() {
    // The timer must not decide while a test plays the buyer.
    return {"--three-ds-ms", "600000"};
  }

 protected:
  http::sync_result create(const http::form_fields& fields,
                           const std::string& key = {}) {
    return post("/v1/payment_intents", fields, key);
  }
  static http::form_fields three_ds(const std::string& extra_name,
                                    const std::string& extra_value) {
    auto fields = with_card(visa_payment(), "pm_card_threeDSecureRequired");
    fields.emplace_back("payment_method_types[0]", "card");
    fields.emplace_back(extra_name, extra_value);
    return fields;
  }
  boost::json::object intent(const std::string& id) {
    return json_of(client_->get("/v1/payment_intents/" + id, auth_headers()));
  }
  std::string base() const {
    return "http://127.0.0.1:" + std::to_string(sim_->port());
  }
  std::size_t charge_count() {
    return json_of(client_->get("/sim/charges")).at("data").as_array().size();
  }
};

TEST_F(intent_actions,
       error_on_requires_action_declines_a_three_ds_card_at_once) {
  const auto r = create(three_ds("error_on_requires_action", "true"), "ea-1");
  ASSERT_EQ(r.res.result_int(), 402u) << r.res.body();
  const auto error = json_of(r).at("error").as_object();
  EXPECT_EQ(error.at("type"), "card_error");
  EXPECT_EQ(error.at("code"), "authentication_required");
  EXPECT_EQ(error.at("decline_code"), "authentication_required");
  EXPECT_TRUE(error.at("param").is_null());
  const auto& pi = error.at("payment_intent").as_object();
  EXPECT_EQ(pi.at("status"), "requires_payment_method");
  EXPECT_TRUE(pi.at("next_action").is_null());
  EXPECT_EQ(pi.at("last_payment_error").at("code"), "authentication_required");
  // Final: nothing pending, nothing charged, the replay is the same 402.
  const std::string id(pi.at("id").as_string());
  EXPECT_EQ(intent(id).at("status"), "requires_payment_method");
  EXPECT_EQ(json_of(client_->get("/sim/stats")).at("processing"), 0);
  EXPECT_EQ(charge_count(), 0u);
  const auto replay = create(three_ds("error_on_requires_action", "true"),
                             "ea-1");
  EXPECT_EQ(replay.res.result_int(), 402u);
  EXPECT_EQ(replay.res.body(), r.res.body());
}

TEST_F(intent_actions, error_on_requires_action_leaves_other_cards_alone) {
  auto fields = visa_payment();
  fields.emplace_back("error_on_requires_action", "true");
  const auto r = create(fields);
  ASSERT_EQ(r.res.result_int(), 200u) << r.res.body();
  EXPECT_EQ(json_of(r).at("status"), "succeeded");
  const auto bad = create(with_value(fields, "error_on_requires_action", "1"));
  EXPECT_EQ(error_field(bad, "code"), "parameter_invalid_boolean");
}

TEST_F(intent_actions, return_url_makes_three_ds_a_redirect_to_pspsims_page) {
  const auto r = create(three_ds("return_url", return_url));
  ASSERT_EQ(r.res.result_int(), 200u) << r.res.body();
  const auto pi = json_of(r);
  const std::string id(pi.at("id").as_string());
  EXPECT_EQ(pi.at("status"), "requires_action");
  const auto& action = pi.at("next_action").as_object();
  EXPECT_EQ(action.at("type"), "redirect_to_url");
  EXPECT_EQ(action.at("redirect_to_url").at("url"),
            (base() + "/authenticate/" + id).c_str());
  EXPECT_EQ(action.at("redirect_to_url").at("return_url"), return_url.c_str());
  const std::string secret(pi.at("client_secret").as_string());
  EXPECT_EQ(secret.rfind(id + "_secret_", 0), 0u);
}

TEST_F(intent_actions, completing_the_page_succeeds_and_returns_the_buyer) {
  const auto pi = json_of(create(three_ds("return_url", return_url)));
  const std::string id(pi.at("id").as_string());
  const auto page = client_->get("/authenticate/" + id);
  ASSERT_EQ(page.res.result_int(), 200u);
  EXPECT_NE(page.res.body().find("id=\"challenge-complete\""),
            std::string::npos);
  EXPECT_NE(page.res.body().find("action=\"/authenticate/" + id + "\""),
            std::string::npos);
  const auto done = client_->post("/authenticate/" + id, "result=complete",
                                  form_type);
  ASSERT_EQ(done.res.result_int(), 303u);
  EXPECT_EQ(header_of(done, "Location"),
            "https://shop.example/back?order=1&payment_intent=" + id
              + "&payment_intent_client_secret="
              + std::string(pi.at("client_secret").as_string())
              + "&redirect_status=succeeded#top");
  EXPECT_EQ(intent(id).at("status"), "succeeded");
  EXPECT_EQ(charge_count(), 1u);
  // Coming back later sends the buyer on again; nothing changes.
  const auto again = client_->get("/authenticate/" + id);
  EXPECT_EQ(again.res.result_int(), 303u);
  EXPECT_EQ(charge_count(), 1u);
}

TEST_F(intent_actions, failing_the_page_fails_the_intent) {
  const auto pi = json_of(create(three_ds("return_url", return_url)));
  const std::string id(pi.at("id").as_string());
  const auto done = client_->post("/authenticate/" + id, "result=fail",
                                  form_type);
  ASSERT_EQ(done.res.result_int(), 303u);
  EXPECT_NE(header_of(done, "Location").find("redirect_status=failed"),
            std::string::npos);
  const auto after = intent(id);
  EXPECT_EQ(after.at("status"), "requires_payment_method");
  EXPECT_EQ(after.at("last_payment_error").at("code"),
            "payment_intent_authentication_failure");
  EXPECT_EQ(charge_count(), 0u);
}

TEST_F(intent_actions, a_token_intent_without_return_url_has_no_page) {
  const auto pi = json_of(
    create(with_card(visa_payment(), "pm_card_threeDSecureRequired")));
  EXPECT_EQ(pi.at("next_action").at("type"), "use_stripe_sdk");
  const std::string id(pi.at("id").as_string());
  EXPECT_EQ(client_->get("/authenticate/" + id).res.result_int(), 404u);
  EXPECT_EQ(client_->get("/authenticate/pi_nobody").res.result_int(), 404u);
}

TEST_F(intent_actions, amount_below_the_currency_minimum_is_amount_too_small) {
  const std::vector<std::pair<std::string, std::string>> cases{
    {"usd", "49"}, {"eur", "49"}, {"gbp", "29"}, {"jpy", "49"}};
  for (const auto& [currency, amount] : cases) {
    const auto r = create(
      with_value(visa_payment(amount), "currency", currency));
    ASSERT_EQ(r.res.result_int(), 400u) << currency;
    EXPECT_EQ(error_field(r, "type"), "invalid_request_error");
    EXPECT_EQ(error_field(r, "code"), "amount_too_small") << currency;
    EXPECT_EQ(error_field(r, "param"), "amount");
  }
  EXPECT_EQ(
    create(with_value(visa_payment("30"), "currency", "gbp")).res.result_int(),
    200u);
}

TEST_F(intent_actions, three_decimal_amount_must_end_in_zero) {
  const auto bad = create(with_value(visa_payment("1234"), "currency", "kwd"));
  ASSERT_EQ(bad.res.result_int(), 400u);
  EXPECT_EQ(error_field(bad, "code"), "invalid_charge_amount");
  EXPECT_EQ(error_field(bad, "param"), "amount");
  EXPECT_EQ(create(with_value(visa_payment("1230"), "currency", "kwd"))
              .res.result_int(),
            200u);
}

TEST(intent_actions_timer, without_a_page_visit_the_timer_still_decides) {
  pspsim_process sim({"--port", "0", "--three-ds-ms", "100"});
  http::sync_client c("127.0.0.1", sim.port());
  auto fields = with_card(visa_payment(), "pm_card_threeDSecureRequired");
  fields.emplace_back("return_url", return_url);
  const auto pi = json_of(c.post("/v1/payment_intents",
                                 http::form_encode(fields), form_type,
                                 auth_headers()));
  const std::string id(pi.at("id").as_string());
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(
    json_of(c.get("/v1/payment_intents/" + id, auth_headers())).at("status"),
    "succeeded");
}

TEST(intent_actions_timer, a_page_visit_stops_the_timer_the_buyer_decides) {
  pspsim_process sim({"--port", "0", "--three-ds-ms", "200"});
  http::sync_client c("127.0.0.1", sim.port());
  auto fields = with_card(visa_payment(), "pm_card_threeDSecureRequired");
  fields.emplace_back("return_url", return_url);
  const auto pi = json_of(c.post("/v1/payment_intents",
                                 http::form_encode(fields), form_type,
                                 auth_headers()));
  const std::string id(pi.at("id").as_string());
  ASSERT_EQ(c.get("/authenticate/" + id).res.result_int(), 200u);
  std::this_thread::sleep_for(400ms);
  EXPECT_EQ(
    json_of(c.get("/v1/payment_intents/" + id, auth_headers())).at("status"),
    "requires_action");
  c.post("/authenticate/" + id, "result=fail", form_type);
  EXPECT_EQ(
    json_of(c.get("/v1/payment_intents/" + id, auth_headers())).at("status"),
    "requires_payment_method");
}

}  // namespace
}  // namespace pay::pspsim
