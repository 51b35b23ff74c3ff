// What the buyer reads on pspsim's pages, black-box: the merchant's name
// (--merchant-name), each line item with its amount and the total, written
// as people write money ($12.34, ¥500, 12,345 KRW), on pages made for a
// phone; and the checkout session's several line items behind them.
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "http/form.hpp"
#include "http/sync_client.hpp"
#include "tests/pspsim/pspsim_fixtures.hpp"

namespace pay::pspsim {
namespace {

using namespace harness;

const std::string euro = "\xE2\x82\xAC";
const std::string yen = "\xC2\xA5";
const std::string times = "\xC3\x97";

class buyer_pages : public pspsim_suite<buyer_pages> {
 public:
  static std::vector<std::string> pspsim_options() {
    return {"--merchant-name", "Ann's Shop & Co", "--three-ds-ms", "600000"};
  }

 protected:
  // Two lines in usd: 2 x 12.50 and 1 x 8.99, 33.99 in all.
  static http::form_fields two_lines() {
    auto fields = with_value(session_form("1250"),
                             "line_items[0][price_data][product_data][name]",
                             "Coffee beans");
    fields = with_value(fields, "line_items[0][quantity]", "2");
    fields.emplace_back("line_items[1][price_data][currency]", "usd");
    fields.emplace_back("line_items[1][price_data][unit_amount]", "899");
    fields.emplace_back("line_items[1][price_data][product_data][name]",
                        "Mug <large>");
    fields.emplace_back("line_items[1][quantity]", "1");
    return fields;
  }
  std::string new_session(const http::form_fields& fields) {
    const auto r = post("/v1/checkout/sessions", fields);
    EXPECT_EQ(r.res.result_int(), 200u) << r.res.body();
    return id_of(r);
  }
  std::string page(const std::string& path) {
    const auto r = client_->get(path);
    EXPECT_LT(r.res.result_int(), 500u);
    return r.res.body();
  }
  http::sync_result pay(const std::string& session, const std::string& number) {
    const http::form_fields fields{{"card_number", number},
                                   {"card_expiry", "12/39"},
                                   {"card_cvc", "123"},
                                   {"card_name", "Ann Buyer"}};
    return client_->post("/pay/" + session, http::form_encode(fields),
                         form_type);
  }
  static bool has(const std::string& html, const std::string& text) {
    return html.find(text) != std::string::npos;
  }
};

TEST_F(buyer_pages, several_line_items_add_up_to_the_sessions_total) {
  const auto r = post("/v1/checkout/sessions", two_lines());
  ASSERT_EQ(r.res.result_int(), 200u) << r.res.body();
  EXPECT_EQ(json_of(r).at("amount_total"), 3399);
  EXPECT_EQ(json_of(r).at("amount_subtotal"), 3399);
}

TEST_F(buyer_pages, line_items_in_another_currency_are_refused) {
  auto fields = two_lines();
  fields = with_value(fields, "line_items[1][price_data][currency]", "eur");
  const auto r = post("/v1/checkout/sessions", fields);
  ASSERT_EQ(r.res.result_int(), 400u);
  EXPECT_EQ(error_field(r, "code"), "parameter_invalid");
  EXPECT_EQ(error_field(r, "param"), "line_items[1][price_data][currency]");
}

TEST_F(buyer_pages, more_than_a_hundred_line_items_are_refused) {
  auto fields = session_form("100");
  for (int i = 1; i <= 100; ++i) {
    const std::string line = "line_items[" + std::to_string(i) + "]";
    fields.emplace_back(line + "[price_data][currency]", "usd");
    fields.emplace_back(line + "[price_data][unit_amount]", "100");
    fields.emplace_back(line + "[price_data][product_data][name]", "x");
    fields.emplace_back(line + "[quantity]", "1");
  }
  const auto r = post("/v1/checkout/sessions", fields);
  ASSERT_EQ(r.res.result_int(), 400u);
  EXPECT_EQ(error_field(r, "param"), "line_items");
}

TEST_F(buyer_pages, the_form_shows_the_merchant_each_line_and_the_total) {
  const std::string session = new_session(two_lines());
  const std::string html = page("/pay/" + session);
  EXPECT_TRUE(has(html, "id=\"merchant-name\">Ann&#39;s Shop &amp; Co<"))
    << html;
  EXPECT_TRUE(has(html, "Coffee beans")) << html;
  EXPECT_TRUE(has(html, "2 " + times + " $12.50")) << html;
  EXPECT_TRUE(has(html, ">$25.00<")) << html;
  EXPECT_TRUE(has(html, "Mug &lt;large&gt;")) << html;
  EXPECT_TRUE(has(html, ">$8.99<")) << html;
  EXPECT_TRUE(has(html, "id=\"total\">$33.99<")) << html;
  EXPECT_TRUE(has(html, "id=\"amount-total\">Pay $33.99<")) << html;
  EXPECT_TRUE(has(html, "Pay $33.99</button>")) << html;
  EXPECT_FALSE(has(html, "minor units")) << html;
}

TEST_F(buyer_pages, amounts_follow_the_currencys_symbol_and_exponent) {
  const std::string jpy = new_session(session_form("500", "jpy"));
  EXPECT_TRUE(has(page("/pay/" + jpy), "Pay " + yen + "500<"));
  const std::string krw = new_session(session_form("12345", "krw"));
  EXPECT_TRUE(has(page("/pay/" + krw), "Pay 12,345 KRW<"));
  const std::string bhd = new_session(session_form("1230", "bhd"));
  EXPECT_TRUE(has(page("/pay/" + bhd), "Pay 1.230 BHD<"));
}

TEST_F(buyer_pages, the_form_fits_a_phone_and_keeps_every_element_id) {
  const std::string html = page("/pay/" + new_session(two_lines()));
  EXPECT_TRUE(has(html,
                  "<meta name=\"viewport\" content=\"width=device-width, "
                  "initial-scale=1\">"));
  // Full-width inputs and buttons of at least 44 px, nothing wider than
  // the screen.
  EXPECT_TRUE(has(html, "input{display:block;width:100%;min-height:44px"));
  EXPECT_TRUE(has(html, "button{display:block;width:100%;min-height:48px"));
  EXPECT_TRUE(has(html, "*{box-sizing:border-box}"));
  EXPECT_TRUE(has(html, "overflow-wrap:anywhere"));
  for (const std::string id :
       {"card-number", "card-expiry", "card-cvc", "card-name", "pay-button",
        "error", "cancel-link", "merchant-name", "line-items",
        "amount-total"}) {
    EXPECT_TRUE(has(html, "id=\"" + id + "\"")) << id;
  }
}

TEST_F(buyer_pages, the_challenge_and_result_pages_show_amount_and_merchant) {
  const std::string session = new_session(session_form("1234"));
  ASSERT_EQ(pay(session, "4000002760003184").res.result_int(), 303u);
  const std::string challenge = page("/pay/" + session + "/challenge");
  EXPECT_TRUE(has(challenge, ">$12.34</strong> to Ann&#39;s Shop &amp; Co"))
    << challenge;
  EXPECT_TRUE(has(challenge, "id=\"challenge-complete\""));
  EXPECT_TRUE(has(challenge, "id=\"challenge-fail\""));
  EXPECT_TRUE(has(challenge, "name=\"viewport\""));
  client_->post("/pay/" + session + "/challenge", "result=complete", form_type);
  const std::string result = page("/pay/" + session);
  EXPECT_TRUE(has(result, "id=\"result\">Payment succeeded<")) << result;
  EXPECT_TRUE(has(result, ">$12.34</strong> paid to Ann&#39;s Shop &amp; Co"))
    << result;
  EXPECT_TRUE(has(result, "with Visa ending in 3184")) << result;
  EXPECT_TRUE(has(result, "id=\"return-link\""));
}

TEST_F(buyer_pages, the_expired_page_says_what_was_not_paid) {
  const std::string session = new_session(session_form("1234", "eur"));
  advance_clock(*client_, 86'400);
  const auto r = client_->get("/pay/" + session);
  ASSERT_EQ(r.res.result_int(), 410u);
  EXPECT_TRUE(has(r.res.body(), euro + "12.34")) << r.res.body();
  EXPECT_TRUE(has(r.res.body(), "Nothing was charged."));
  EXPECT_TRUE(has(r.res.body(), "id=\"cancel-link\""));
}

TEST_F(buyer_pages, the_intent_challenge_page_shows_the_formatted_amount) {
  auto fields = with_card(visa_payment("1000"), "pm_card_threeDSecureRequired");
  fields.emplace_back("return_url", "https://shop.example/back");
  const std::string id = id_of(post("/v1/payment_intents", fields));
  const std::string html = page("/authenticate/" + id);
  EXPECT_TRUE(has(html, ">" + euro + "10.00</strong>")) << html;
  EXPECT_TRUE(has(html, "Ann&#39;s Shop &amp; Co"));
}

}  // namespace
}  // namespace pay::pspsim
