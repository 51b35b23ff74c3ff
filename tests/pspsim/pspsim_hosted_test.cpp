// The hosted payment page and its registration, black-box against the real
// pspsim process: each test card through the form, 3-D Secure, paying twice,
// bad input, and that no card number ever reaches pspsim's output.
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "http/form.hpp"
#include "http/sync_client.hpp"
#include "pspsim/hosted_card.hpp"
#include "tests/pspsim/pspsim_harness.hpp"

namespace pay::pspsim {
namespace {

using namespace std::chrono_literals;
using namespace harness;

std::string id_of(const http::sync_result& r) {
  return std::string(json_of(r).at("id").as_string());
}

constexpr const char* form_type = "application/x-www-form-urlencoded";
const std::string return_url = "http://shop.example/back?from=test";

class hosted_page : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { sim_ = new pspsim_process({"--port", "0"}); }
  static void TearDownTestSuite() {
    delete sim_;
    sim_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(sim_->port(), 0)
      << "pspsim did not start: " << sim_->first_line();
    client_ = std::make_unique<http::sync_client>("127.0.0.1", sim_->port());
    ASSERT_EQ(client_->post("/sim/reset", "", "text/plain").res.result_int(),
              200u);
  }

  http::sync_result register_session(const std::string& reference,
                                     const std::string& amount = "1234",
                                     const std::string& key = {}) {
    const http::form_fields fields{{"amount", amount},
                                   {"currency", "usd"},
                                   {"return_url", return_url},
                                   {"client_reference_id", reference},
                                   {"metadata[checkout_id]", "chk_1"}};
    return client_->post("/v1/checkout/sessions", http::form_encode(fields),
                         form_type, auth_headers(key));
  }
  std::string new_session(const std::string& reference) {
    const auto r = register_session(reference);
    EXPECT_EQ(r.res.result_int(), 200u) << r.res.body();
    return std::string(json_of(r).at("id").as_string());
  }
  http::sync_result pay(const std::string& session, const std::string& number,
                        const std::string& expiry = "12/39") {
    const http::form_fields fields{{"card_number", number},
                                   {"card_expiry", expiry},
                                   {"card_cvc", "123"},
                                   {"card_name", "Ann Buyer"}};
    return client_->post("/pay/" + session, http::form_encode(fields),
                         form_type);
  }
  boost::json::object session_json(const std::string& id) {
    return json_of(client_->get("/v1/checkout/sessions/" + id, auth_headers()));
  }
  boost::json::object intent_of(const std::string& session) {
    const auto s = session_json(session);
    const std::string id(s.at("payment_intent").as_string());
    return json_of(client_->get("/v1/payment_intents/" + id, auth_headers()));
  }
  std::size_t charge_count() {
    return json_of(client_->get("/sim/charges")).at("data").as_array().size();
  }
  std::string expected_redirect(const std::string& session,
                                const std::string& status,
                                const std::string& code = {}) {
    return return_url + "&session_id=" + session
           + "&payment_order_id=po_1&status=" + status
           + (code.empty() ? "" : "&code=" + code);
  }

  static pspsim_process* sim_;
  std::unique_ptr<http::sync_client> client_;
};
pspsim_process* hosted_page::sim_ = nullptr;

TEST_F(hosted_page,
       registration_answers_an_open_checkout_session_with_a_page_url) {
  const auto r = register_session("po_1");
  ASSERT_EQ(r.res.result_int(), 200u) << r.res.body();
  const auto s = json_of(r);
  EXPECT_EQ(s.at("object"), "checkout.session");
  EXPECT_EQ(s.at("status"), "open");
  EXPECT_EQ(s.at("payment_status"), "unpaid");
  EXPECT_TRUE(s.at("payment_intent").is_null());
  EXPECT_EQ(s.at("amount_total"), 1234);
  EXPECT_EQ(s.at("client_reference_id"), "po_1");
  EXPECT_EQ(s.at("metadata").at("checkout_id"), "chk_1");
  const std::string id(s.at("id").as_string());
  EXPECT_EQ(std::string(s.at("url").as_string()),
            "http://127.0.0.1:" + std::to_string(sim_->port()) + "/pay/" + id);
}

TEST_F(hosted_page, registering_the_same_nonce_twice_answers_the_same_session) {
  const std::string first = new_session("po_1");
  const auto again = register_session("po_1");
  ASSERT_EQ(again.res.result_int(), 200u);
  EXPECT_EQ(id_of(again), first);
  EXPECT_EQ(header_of(again, "Idempotent-Replayed"), "true");
  const auto other = register_session("po_2");
  EXPECT_NE(id_of(other), first);
}

TEST_F(hosted_page, same_nonce_with_another_amount_is_refused) {
  new_session("po_1");
  const auto r = register_session("po_1", "999");
  EXPECT_EQ(r.res.result_int(), 400u);
  EXPECT_EQ(error_field(r, "code"), "client_reference_id_reused");
}

TEST_F(hosted_page, idempotency_key_replays_and_refuses_other_parameters) {
  const auto first = register_session("po_1", "1234", "reg-1");
  const auto again = register_session("po_1", "1234", "reg-1");
  EXPECT_EQ(id_of(again), id_of(first));
  EXPECT_EQ(header_of(again, "Idempotent-Replayed"), "true");
  const auto other = register_session("po_9", "1234", "reg-1");
  EXPECT_EQ(other.res.result_int(), 400u);
  EXPECT_EQ(error_field(other, "code"), "idempotency_key_reused");
}

TEST_F(hosted_page, registration_validates_before_storing_anything) {
  const auto post = [&](const http::form_fields& f) {
    return client_->post("/v1/checkout/sessions", http::form_encode(f),
                         form_type, auth_headers());
  };
  const http::form_fields good{{"amount", "100"},
                               {"currency", "eur"},
                               {"return_url", "https://shop.example/r"},
                               {"client_reference_id", "po_x"}};
  EXPECT_EQ(error_field(post(without(good, "return_url")), "param"),
            "return_url");
  EXPECT_EQ(error_field(post(with_value(good, "return_url", "ftp://x/")),
                        "code"),
            "url_invalid");
  EXPECT_EQ(
    error_field(post(with_value(good, "return_url", "javascript:alert(1)")),
                "code"),
    "url_invalid");
  EXPECT_EQ(error_field(post(without(good, "client_reference_id")), "param"),
            "client_reference_id");
  EXPECT_EQ(error_field(post(with_value(good, "amount", "1.5")), "code"),
            "parameter_invalid_integer");
  EXPECT_EQ(
    client_->post("/v1/checkout/sessions", http::form_encode(good), form_type)
      .res.result_int(),
    401u);
  const auto missing = client_->get("/v1/checkout/sessions/cs_nope",
                                    auth_headers());
  EXPECT_EQ(missing.res.result_int(), 404u);
  EXPECT_EQ(post(good).res.result_int(), 200u);
}

TEST_F(hosted_page,
       form_page_has_the_stable_element_ids_and_posts_only_to_pspsim) {
  const std::string id = new_session("po_1");
  const auto r = client_->get("/pay/" + id);
  ASSERT_EQ(r.res.result_int(), 200u);
  EXPECT_EQ(header_of(r, "Content-Type"), "text/html; charset=utf-8");
  const std::string& html = r.res.body();
  for (const char* element :
       {"id=\"card-number\"", "id=\"card-expiry\"", "id=\"card-cvc\"",
        "id=\"card-name\"", "id=\"pay-button\"", "id=\"error\"", "luhnValid"}) {
    EXPECT_NE(html.find(element), std::string::npos) << element;
  }
  EXPECT_NE(html.find("action=\"/pay/" + id + "\""), std::string::npos);
  EXPECT_EQ(html.find("http://shop.example"), std::string::npos);
}

TEST_F(hosted_page, success_card_charges_once_and_redirects_with_succeeded) {
  const std::string id = new_session("po_1");
  const auto r = pay(id, "4242 4242 4242 4242");
  ASSERT_EQ(r.res.result_int(), 303u) << r.res.body();
  EXPECT_EQ(header_of(r, "Location"), expected_redirect(id, "succeeded"));
  const auto s = session_json(id);
  EXPECT_EQ(s.at("status"), "complete");
  EXPECT_EQ(s.at("payment_status"), "paid");
  const auto intent = intent_of(id);
  EXPECT_EQ(intent.at("status"), "succeeded");
  EXPECT_EQ(intent.at("amount_received"), 1234);
  EXPECT_EQ(intent.at("metadata").at("payment_order_id"), "po_1");
  EXPECT_EQ(json_of(client_->get("/sim/idempotency_keys")).at("po_1"), 1);
  EXPECT_EQ(charge_count(), 1u);
}

TEST_F(hosted_page, any_other_luhn_valid_number_succeeds) {
  const std::string id = new_session("po_1");
  const auto r = pay(id, "5555555555554444");
  EXPECT_EQ(header_of(r, "Location"), expected_redirect(id, "succeeded"));
}

TEST_F(hosted_page, declining_cards_fail_with_their_code_and_charge_nothing) {
  const std::vector<std::pair<std::string, std::string>> cards{
    {"4000000000000002", "generic_decline"},
    {"4000000000009995", "insufficient_funds"}};
  for (const auto& [number, code] : cards) {
    ASSERT_EQ(client_->post("/sim/reset", "", "text/plain").res.result_int(),
              200u);
    const std::string id = new_session("po_1");
    const auto r = pay(id, number);
    ASSERT_EQ(r.res.result_int(), 303u) << number;
    EXPECT_EQ(header_of(r, "Location"), expected_redirect(id, "failed", code));
    const auto s = session_json(id);
    EXPECT_EQ(s.at("status"), "complete");
    EXPECT_EQ(s.at("payment_status"), "unpaid");
    const auto intent = intent_of(id);
    EXPECT_EQ(intent.at("status"), "requires_payment_method");
    EXPECT_EQ(std::string(
                intent.at("last_payment_error").at("decline_code").as_string()),
              code);
    EXPECT_EQ(charge_count(), 0u);
  }
}

TEST_F(hosted_page, three_ds_card_shows_the_challenge_and_complete_succeeds) {
  const std::string id = new_session("po_1");
  const auto r = pay(id, "4000 0027 6000 3184");
  ASSERT_EQ(r.res.result_int(), 303u);
  EXPECT_EQ(header_of(r, "Location"), "/pay/" + id + "/challenge");
  EXPECT_EQ(intent_of(id).at("status"), "requires_action");
  EXPECT_EQ(session_json(id).at("status"), "open");
  const auto page = client_->get("/pay/" + id + "/challenge");
  EXPECT_NE(page.res.body().find("id=\"challenge-complete\""),
            std::string::npos);
  EXPECT_NE(page.res.body().find("id=\"challenge-fail\""), std::string::npos);
  // The form page sends a buyer who comes back to the challenge.
  EXPECT_EQ(header_of(client_->get("/pay/" + id), "Location"),
            "/pay/" + id + "/challenge");
  EXPECT_EQ(charge_count(), 0u);
  const auto done = client_->post("/pay/" + id + "/challenge",
                                  "result=complete", form_type);
  ASSERT_EQ(done.res.result_int(), 303u);
  EXPECT_EQ(header_of(done, "Location"), expected_redirect(id, "succeeded"));
  EXPECT_EQ(intent_of(id).at("status"), "succeeded");
  EXPECT_EQ(charge_count(), 1u);
}

TEST_F(hosted_page, three_ds_challenge_failed_fails_the_payment) {
  const std::string id = new_session("po_1");
  pay(id, "4000002760003184");
  const auto done = client_->post("/pay/" + id + "/challenge", "result=fail",
                                  form_type);
  ASSERT_EQ(done.res.result_int(), 303u);
  EXPECT_EQ(header_of(done, "Location"),
            expected_redirect(id, "failed",
                              "payment_intent_authentication_failure"));
  const auto intent = intent_of(id);
  EXPECT_EQ(intent.at("status"), "requires_payment_method");
  EXPECT_EQ(intent.at("last_payment_error").at("code"),
            "payment_intent_authentication_failure");
  EXPECT_EQ(charge_count(), 0u);
}

TEST_F(hosted_page, hosted_three_ds_waits_for_the_buyer_not_a_timer) {
  // --three-ds-ms is for token charges; the buyer answers the hosted one.
  pspsim_process fast({"--port", "0", "--three-ds-ms", "0"});
  http::sync_client c("127.0.0.1", fast.port());
  const auto reg = c.post("/v1/checkout/sessions",
                          "amount=100&currency=usd&client_reference_id=po_t&"
                          "return_url=http%3A%2F%2Fshop.example%2F",
                          form_type, auth_headers());
  const std::string id(json_of(reg).at("id").as_string());
  c.post(
    "/pay/" + id,
    "card_number=4000002760003184&card_expiry=12%2F39&card_cvc=123&card_name=A",
    form_type);
  std::this_thread::sleep_for(100ms);
  const auto s = json_of(c.get("/v1/checkout/sessions/" + id, auth_headers()));
  EXPECT_EQ(s.at("status"), "open");
}

TEST_F(hosted_page, paying_twice_charges_once_and_shows_the_first_result) {
  const std::string id = new_session("po_1");
  const auto first = pay(id, "4242424242424242");
  const auto second = pay(id, "4000000000000002");
  ASSERT_EQ(second.res.result_int(), 303u);
  EXPECT_EQ(header_of(second, "Location"), header_of(first, "Location"));
  EXPECT_EQ(charge_count(), 1u);
  const auto page = client_->get("/pay/" + id);
  EXPECT_NE(page.res.body().find("Payment succeeded"), std::string::npos);
  EXPECT_NE(page.res.body().find("ending in 4242"), std::string::npos);
  EXPECT_NE(page.res.body().find("id=\"return-link\""), std::string::npos);
}

TEST_F(hosted_page, concurrent_double_submit_makes_one_intent_and_one_charge) {
  const std::string id = new_session("po_1");
  std::vector<std::thread> buyers;
  for (int i = 0; i < 4; ++i) {
    buyers.emplace_back([&] {
      http::sync_client c("127.0.0.1", sim_->port());
      c.post(
        "/pay/" + id,
        "card_number=4242424242424242&card_expiry=12%2F39&card_cvc=123&card_name=A",
        form_type);
    });
  }
  for (auto& b : buyers) b.join();
  EXPECT_EQ(charge_count(), 1u);
  EXPECT_EQ(json_of(client_->get("/sim/stats")).at("intents"), 1);
}

TEST_F(hosted_page,
       invalid_card_is_rerendered_with_an_error_and_nothing_charged) {
  const std::string id = new_session("po_1");
  const std::vector<std::pair<std::string, std::string>> bad{
    {"4242424242424241", "Your card number is invalid."},
    {"4242 4242 42", "13 to 19 digits"},
    {"4242-4242-4242-4242", "digits only"},
  };
  for (const auto& [number, message] : bad) {
    const auto r = pay(id, number);
    EXPECT_EQ(r.res.result_int(), 400u) << number;
    EXPECT_NE(r.res.body().find(message), std::string::npos) << number;
    EXPECT_NE(r.res.body().find("id=\"card-number\""), std::string::npos);
    EXPECT_EQ(r.res.body().find(number), std::string::npos)
      << "echoed " << number;
  }
  const auto expired = pay(id, "4242424242424242", "01/20");
  EXPECT_EQ(expired.res.result_int(), 400u);
  EXPECT_NE(expired.res.body().find("expired"), std::string::npos);
  const auto s = session_json(id);
  EXPECT_EQ(s.at("status"), "open");
  EXPECT_TRUE(s.at("payment_intent").is_null());
  EXPECT_EQ(charge_count(), 0u);
  EXPECT_EQ(json_of(client_->get("/sim/stats")).at("intents"), 0);
}

TEST_F(hosted_page, unknown_session_is_a_404_page) {
  EXPECT_EQ(client_->get("/pay/cs_unknown").res.result_int(), 404u);
  EXPECT_EQ(pay("cs_unknown", "4242424242424242").res.result_int(), 404u);
}

TEST_F(hosted_page, return_url_fragment_stays_last_in_the_redirect) {
  const http::form_fields fields{{"amount", "100"},
                                 {"currency", "usd"},
                                 {"return_url", "https://shop.example/r#top"},
                                 {"client_reference_id", "po_f"}};
  const auto reg = client_->post("/v1/checkout/sessions",
                                 http::form_encode(fields), form_type,
                                 auth_headers());
  const std::string id(json_of(reg).at("id").as_string());
  const auto r = pay(id, "4242424242424242");
  EXPECT_EQ(header_of(r, "Location"),
            "https://shop.example/r?session_id=" + id
              + "&payment_order_id=po_f&status=succeeded#top");
}

TEST(hosted_card, luhn_accepts_the_test_cards_and_refuses_a_changed_digit) {
  for (const char* n :
       {"4242424242424242", "4000000000000002", "4000000000009995",
        "4000002760003184", "5555555555554444", "378282246310005"}) {
    EXPECT_TRUE(luhn_valid(n)) << n;
  }
  EXPECT_FALSE(luhn_valid("4242424242424241"));
  EXPECT_FALSE(luhn_valid(""));
  EXPECT_FALSE(luhn_valid("42a2"));
}

TEST(hosted_card, expiry_is_valid_through_the_end_of_its_month) {
  const card_form form{"4242424242424242", "06/26", "123", "Ann"};
  EXPECT_TRUE(check_card(form, 2026, 6).card.has_value());
  EXPECT_FALSE(check_card(form, 2026, 7).card.has_value());
  EXPECT_EQ(check_card(form, 2026, 7).field, "card-expiry");
  for (const char* bad : {"13/30", "00/30", "1/30", "12-30", "12/2030", ""}) {
    EXPECT_EQ(check_card({"4242424242424242", bad, "123", "A"}, 2026, 1).field,
              "card-expiry")
      << bad;
  }
}

TEST(hosted_card, cvc_and_name_are_checked_and_only_brand_and_last4_kept) {
  EXPECT_EQ(check_card({"4242424242424242", "12/39", "12", "A"}, 2026, 1).field,
            "card-cvc");
  EXPECT_EQ(
    check_card({"4242424242424242", "12/39", "12a4", "A"}, 2026, 1).field,
    "card-cvc");
  EXPECT_EQ(
    check_card({"4242424242424242", "12/39", "1234", " "}, 2026, 1).field,
    "card-name");
  const auto ok = check_card({"5555 5555 5555 4444", "12/39", "123", "A"}, 2026,
                             1);
  ASSERT_TRUE(ok.card);
  EXPECT_EQ(ok.card->brand, "mastercard");
  EXPECT_EQ(ok.card->last4, "4444");
}

}  // namespace
}  // namespace pay::pspsim
