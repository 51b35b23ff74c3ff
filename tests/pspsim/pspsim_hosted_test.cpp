// The hosted payment page and its registration (Checkout Sessions,
// 2020-08-27 shape), black-box against the real pspsim process: the
// parameters, each test card through the form, 3-D Secure, another card
// after a decline, paying twice, bad input, expiry.
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "http/form.hpp"
#include "http/sync_client.hpp"
#include "pspsim/hosted_card.hpp"
#include "tests/pspsim/pspsim_fixtures.hpp"

namespace pay::pspsim {
namespace {

using namespace std::chrono_literals;
using namespace harness;

const std::string success_url =
  "https://shop.example/done/{CHECKOUT_SESSION_ID}?session_id="
  "{CHECKOUT_SESSION_ID}#top";
const std::string cancel_url = "https://shop.example/cancelled";

class hosted_page : public pspsim_suite<hosted_page> {
 protected:
  static http::form_fields good_form(const std::string& reference = "po_1") {
    auto fields = with_value(session_form("1234"), "success_url", success_url);
    fields = with_value(fields, "cancel_url", cancel_url);
    fields.emplace_back("client_reference_id", reference);
    fields.emplace_back("metadata[checkout_id]", "chk_1");
    fields.emplace_back("payment_intent_data[metadata][payment_order_id]",
                        reference);
    fields.emplace_back("payment_intent_data[description]", "Order of Alice");
    return fields;
  }
  http::sync_result post_session(const http::form_fields& fields,
                                 const std::string& key = {}) {
    return post("/v1/checkout/sessions", fields, key);
  }
  std::string new_session(const std::string& reference = "po_1") {
    const auto r = post_session(good_form(reference));
    EXPECT_EQ(r.res.result_int(), 200u) << r.res.body();
    return id_of(r);
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
  static std::string success_of(const std::string& session) {
    return "https://shop.example/done/" + session + "?session_id=" + session
           + "#top";
  }
};

TEST_F(hosted_page, registration_answers_an_open_session_in_stripes_shape) {
  const auto r = post_session(good_form());
  ASSERT_EQ(r.res.result_int(), 200u) << r.res.body();
  const auto s = json_of(r);
  EXPECT_EQ(s.at("object"), "checkout.session");
  EXPECT_EQ(s.at("mode"), "payment");
  EXPECT_EQ(s.at("status"), "open");
  EXPECT_EQ(s.at("payment_status"), "unpaid");
  EXPECT_TRUE(s.at("payment_intent").is_null());
  EXPECT_EQ(s.at("amount_total"), 1234);
  EXPECT_EQ(s.at("currency"), "usd");
  EXPECT_EQ(s.at("client_reference_id"), "po_1");
  EXPECT_EQ(s.at("metadata").at("checkout_id"), "chk_1");
  EXPECT_EQ(s.at("success_url"), success_url.c_str());
  EXPECT_EQ(s.at("cancel_url"), cancel_url.c_str());
  EXPECT_EQ(s.at("expires_at").as_int64(), s.at("created").as_int64() + 86'400);
  const std::string id(s.at("id").as_string());
  EXPECT_EQ(std::string(s.at("url").as_string()),
            "http://127.0.0.1:" + std::to_string(sim_->port()) + "/pay/" + id);
}

TEST_F(hosted_page, amount_total_is_unit_amount_times_quantity) {
  const auto r = post_session(
    with_value(good_form(), "line_items[0][quantity]", "3"));
  ASSERT_EQ(r.res.result_int(), 200u) << r.res.body();
  EXPECT_EQ(json_of(r).at("amount_total"), 3 * 1234);
}

TEST_F(hosted_page, same_client_reference_id_twice_makes_two_sessions) {
  // Stripe only echoes client_reference_id; the Idempotency-Key is what
  // makes a registration safe to repeat.
  EXPECT_NE(new_session("po_1"), new_session("po_1"));
}

TEST_F(hosted_page, idempotency_key_replays_and_refuses_other_parameters) {
  const auto first = post_session(good_form("po_1"), "reg-1");
  const auto again = post_session(good_form("po_1"), "reg-1");
  EXPECT_EQ(id_of(again), id_of(first));
  EXPECT_EQ(header_of(again, "Idempotent-Replayed"), "true");
  const auto other = post_session(good_form("po_9"), "reg-1");
  EXPECT_EQ(other.res.result_int(), 400u);
  EXPECT_EQ(error_field(other, "code"), "idempotency_key_reused");
}

TEST_F(hosted_page, old_amount_currency_and_return_url_are_unknown_parameters) {
  for (const std::string name : {"amount", "currency", "return_url"}) {
    auto fields = good_form();
    fields.emplace_back(name,
                        name == "return_url" ? "https://x.example/" : "1");
    const auto r = post_session(fields);
    ASSERT_EQ(r.res.result_int(), 400u) << name;
    EXPECT_EQ(error_field(r, "code"), "parameter_unknown") << name;
    EXPECT_EQ(error_field(r, "param"), name);
    EXPECT_EQ(error_field(r, "message"), "Received unknown parameter: " + name);
  }
}

TEST_F(hosted_page, each_missing_required_parameter_is_named) {
  for (const std::string name :
       {"mode", "payment_method_types[0]",
        "line_items[0][price_data][currency]",
        "line_items[0][price_data][unit_amount]",
        "line_items[0][price_data][product_data][name]",
        "line_items[0][quantity]", "success_url", "cancel_url"}) {
    const auto r = post_session(without(good_form(), name));
    ASSERT_EQ(r.res.result_int(), 400u) << name;
    EXPECT_EQ(error_field(r, "code"), "parameter_missing") << name;
    EXPECT_EQ(error_field(r, "param"), name);
  }
}

TEST_F(hosted_page, an_incomplete_second_line_item_names_what_it_lacks) {
  auto fields = good_form();
  fields.emplace_back("line_items[1][quantity]", "1");
  const auto r = post_session(fields);
  ASSERT_EQ(r.res.result_int(), 400u);
  EXPECT_EQ(error_field(r, "code"), "parameter_missing");
  EXPECT_EQ(error_field(r, "param"), "line_items[1][price_data][currency]");
}

TEST_F(hosted_page, registration_validates_values_before_storing_anything) {
  const auto code_of = [&](const std::string& name, const std::string& value) {
    return error_field(post_session(with_value(good_form(), name, value)),
                       "code");
  };
  EXPECT_EQ(code_of("mode", "subscription"), "parameter_unsupported");
  EXPECT_EQ(code_of("payment_method_types[0]", "sepa_debit"),
            "parameter_invalid");
  EXPECT_EQ(code_of("success_url", "ftp://x/"), "url_invalid");
  EXPECT_EQ(code_of("cancel_url", "javascript:alert(1)"), "url_invalid");
  EXPECT_EQ(code_of("line_items[0][price_data][unit_amount]", "1.5"),
            "parameter_invalid_integer");
  EXPECT_EQ(code_of("line_items[0][quantity]", "0"), "amount_too_small");
  EXPECT_EQ(code_of("line_items[0][price_data][currency]", "dollars"),
            "parameter_invalid_currency");
  EXPECT_EQ(code_of("customer_email", "nobody"), "email_invalid");
  const auto small = post_session(
    with_value(good_form(), "line_items[0][price_data][unit_amount]", "49"));
  EXPECT_EQ(error_field(small, "code"), "amount_too_small");
  EXPECT_EQ(error_field(small, "param"),
            "line_items[0][price_data][unit_amount]");
  EXPECT_EQ(client_
              ->post("/v1/checkout/sessions", http::form_encode(good_form()),
                     form_type)
              .res.result_int(),
            401u);
  const auto missing = client_->get("/v1/checkout/sessions/cs_nope",
                                    auth_headers());
  EXPECT_EQ(missing.res.result_int(), 404u);
  EXPECT_EQ(json_of(client_->get("/sim/stats")).at("intents"), 0);
}

TEST_F(hosted_page,
       form_page_has_the_stable_element_ids_and_posts_only_to_pspsim) {
  const std::string id = new_session();
  const auto r = client_->get("/pay/" + id);
  ASSERT_EQ(r.res.result_int(), 200u);
  EXPECT_EQ(header_of(r, "Content-Type"), "text/html; charset=utf-8");
  const std::string& html = r.res.body();
  for (const char* element :
       {"id=\"card-number\"", "id=\"card-expiry\"", "id=\"card-cvc\"",
        "id=\"card-name\"", "id=\"pay-button\"", "id=\"error\"",
        "id=\"cancel-link\"", "luhnValid"}) {
    EXPECT_NE(html.find(element), std::string::npos) << element;
  }
  EXPECT_NE(html.find("action=\"/pay/" + id + "\""), std::string::npos);
  EXPECT_NE(html.find("href=\"" + cancel_url + "\""), std::string::npos);
}

TEST_F(hosted_page, success_card_charges_once_and_goes_to_the_success_url) {
  const std::string id = new_session();
  const auto r = pay(id, "4242 4242 4242 4242");
  ASSERT_EQ(r.res.result_int(), 303u) << r.res.body();
  EXPECT_EQ(header_of(r, "Location"), success_of(id));
  const auto s = session_json(id);
  EXPECT_EQ(s.at("status"), "complete");
  EXPECT_EQ(s.at("payment_status"), "paid");
  EXPECT_EQ(json_of(client_->get("/sim/idempotency_keys")).at("po_1"), 1);
  EXPECT_EQ(charge_count(), 1u);
}

TEST_F(hosted_page, the_intent_carries_payment_intent_data_not_the_sessions) {
  const std::string id = new_session();
  pay(id, "4242424242424242");
  const auto intent = intent_of(id);
  EXPECT_EQ(intent.at("status"), "succeeded");
  EXPECT_EQ(intent.at("amount_received"), 1234);
  EXPECT_EQ(intent.at("metadata"),
            (boost::json::object{{"payment_order_id", "po_1"}}));
  EXPECT_EQ(intent.at("description"), "Order of Alice");
}

TEST_F(hosted_page, any_other_luhn_valid_number_succeeds) {
  const std::string id = new_session();
  const auto r = pay(id, "5555555555554444");
  EXPECT_EQ(header_of(r, "Location"), success_of(id));
}

TEST_F(hosted_page, declined_card_keeps_the_session_open_for_another_card) {
  const std::vector<std::pair<std::string, std::string>> cards{
    {"4000000000000002", "generic_decline"},
    {"4000000000009995", "insufficient_funds"}};
  for (const auto& [number, code] : cards) {
    ASSERT_EQ(client_->post("/sim/reset", "", "text/plain").res.result_int(),
              200u);
    const std::string id = new_session();
    const auto r = pay(id, number);
    ASSERT_EQ(r.res.result_int(), 402u) << number;
    EXPECT_NE(r.res.body().find(code), std::string::npos) << r.res.body();
    EXPECT_NE(r.res.body().find("id=\"card-number\""), std::string::npos);
    const auto s = session_json(id);
    EXPECT_EQ(s.at("status"), "open");
    EXPECT_EQ(s.at("payment_status"), "unpaid");
    const auto intent = intent_of(id);
    EXPECT_EQ(intent.at("status"), "requires_payment_method");
    EXPECT_EQ(std::string(
                intent.at("last_payment_error").at("decline_code").as_string()),
              code);
    EXPECT_EQ(charge_count(), 0u);

    const auto retry = pay(id, "4242424242424242");
    ASSERT_EQ(retry.res.result_int(), 303u) << retry.res.body();
    EXPECT_EQ(header_of(retry, "Location"), success_of(id));
    EXPECT_EQ(session_json(id).at("payment_status"), "paid");
    EXPECT_EQ(intent_of(id).at("status"), "succeeded");
    EXPECT_EQ(charge_count(), 1u);
    EXPECT_EQ(json_of(client_->get("/sim/stats")).at("intents"), 2);
  }
}

TEST_F(hosted_page, three_ds_card_shows_the_challenge_and_complete_succeeds) {
  const std::string id = new_session();
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
  EXPECT_EQ(header_of(done, "Location"), success_of(id));
  EXPECT_EQ(intent_of(id).at("status"), "succeeded");
  EXPECT_EQ(charge_count(), 1u);
}

TEST_F(hosted_page, failed_challenge_returns_to_the_form_and_charges_nothing) {
  const std::string id = new_session();
  pay(id, "4000002760003184");
  const auto done = client_->post("/pay/" + id + "/challenge", "result=fail",
                                  form_type);
  ASSERT_EQ(done.res.result_int(), 303u);
  EXPECT_EQ(header_of(done, "Location"), "/pay/" + id);
  const auto form = client_->get("/pay/" + id);
  EXPECT_NE(form.res.body().find("payment_intent_authentication_failure"),
            std::string::npos);
  const auto intent = intent_of(id);
  EXPECT_EQ(intent.at("status"), "requires_payment_method");
  EXPECT_EQ(intent.at("last_payment_error").at("code"),
            "payment_intent_authentication_failure");
  EXPECT_EQ(session_json(id).at("status"), "open");
  EXPECT_EQ(charge_count(), 0u);
}

TEST_F(hosted_page, hosted_three_ds_waits_for_the_buyer_not_a_timer) {
  // --three-ds-ms is for token charges; the buyer answers the hosted one.
  pspsim_process fast({"--port", "0", "--three-ds-ms", "0"});
  http::sync_client c("127.0.0.1", fast.port());
  const auto reg = c.post("/v1/checkout/sessions",
                          http::form_encode(session_form("100")), form_type,
                          auth_headers());
  const std::string id(json_of(reg).at("id").as_string());
  c.post(
    "/pay/" + id,
    "card_number=4000002760003184&card_expiry=12%2F39&card_cvc=123&card_name=A",
    form_type);
  std::this_thread::sleep_for(100ms);
  const auto s = json_of(c.get("/v1/checkout/sessions/" + id, auth_headers()));
  EXPECT_EQ(s.at("status"), "open");
  EXPECT_EQ(json_of(c.get("/v1/payment_intents/"
                            + std::string(s.at("payment_intent").as_string()),
                          auth_headers()))
              .at("status"),
            "requires_action");
}

TEST_F(hosted_page, paying_a_paid_session_again_charges_nothing_more) {
  const std::string id = new_session();
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
  const std::string id = new_session();
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
  const std::string id = new_session();
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

TEST_F(hosted_page, unpaid_session_expires_after_a_day_and_takes_no_card) {
  const std::string id = new_session();
  advance_clock(*client_, 86'399);
  EXPECT_EQ(session_json(id).at("status"), "open");
  advance_clock(*client_, 1);
  const auto s = session_json(id);
  EXPECT_EQ(s.at("status"), "expired");
  EXPECT_EQ(s.at("payment_status"), "unpaid");
  const auto page = client_->get("/pay/" + id);
  EXPECT_EQ(page.res.result_int(), 410u);
  EXPECT_NE(page.res.body().find("id=\"cancel-link\""), std::string::npos);
  EXPECT_EQ(pay(id, "4242424242424242").res.result_int(), 410u);
  EXPECT_EQ(charge_count(), 0u);
}

TEST_F(hosted_page, a_paid_session_never_expires) {
  const std::string id = new_session();
  pay(id, "4242424242424242");
  advance_clock(*client_, 2 * 86'400);
  EXPECT_EQ(session_json(id).at("status"), "complete");
}

TEST(hosted_page_options, session_expiry_option_sets_expires_at) {
  pspsim_process sim({"--port", "0", "--session-expiry-s", "60"});
  http::sync_client c("127.0.0.1", sim.port());
  const auto s = json_of(c.post("/v1/checkout/sessions",
                                http::form_encode(session_form()), form_type,
                                auth_headers()));
  EXPECT_EQ(s.at("expires_at").as_int64(), s.at("created").as_int64() + 60);
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
