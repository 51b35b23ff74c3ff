// The hosted payment page flow over plain HTTP (the browser suite drives the
// same pages in Chromium): registration, the buyer's card form at pspsim,
// the webhook and poll that finish the order, and the buyer's status page.

#include <thread>

#include <gtest/gtest.h>

#include "http/form.hpp"
#include "tests/integration/fixture.hpp"

namespace pay::it {
namespace {

class hosted : public integration {
 protected:
  checkout_spec two_orders(const std::string& name) {
    checkout_spec spec;
    spec.checkout_id = unique("co_" + name);
    spec.orders.push_back(
      {unique("po_" + name + "_a"), unique("seller_a"), "19.99", "USD"});
    spec.orders.push_back(
      {unique("po_" + name + "_b"), unique("seller_b"), "1500", "JPY"});
    return spec;
  }

  std::string return_url(const checkout_spec& spec) {
    return "http://127.0.0.1:" + std::to_string(stack().paymentd_port())
           + "/pay/status/" + spec.checkout_id;
  }

  std::string hosted_body(const checkout_spec& spec,
                          const boost::json::value& card) {
    auto body = checkout_json(spec);
    body["credit_card_info"] = card;
    return boost::json::serialize(body);
  }

  static std::string order_field(const boost::json::value& checkout,
                                 std::size_t index, const char* field) {
    const auto& orders = checkout.at("payment_orders").as_array();
    return index < orders.size() ? string_at(orders[index], {field})
                                 : std::string{"<no order>"};
  }

  // The buyer submits the card form on pspsim's page for `redirect_url`.
  unsigned pay_on_page(const std::string& redirect_url,
                       const std::string& card_number) {
    auto path = redirect_url.substr(redirect_url.find("/pay/"));
    auto r = sim().post(path,
                        http::form_encode({{"card_number", card_number},
                                           {"card_expiry", "12/39"},
                                           {"card_cvc", "123"},
                                           {"card_name", "Ada Lovelace"}}),
                        "application/x-www-form-urlencoded");
    EXPECT_TRUE(r.ok) << r.error;
    return r.res.result_int();
  }
};

TEST_F(
  hosted,
  checkout_answers_each_orders_redirect_and_the_buyers_payment_finishes_it) {
  auto spec = two_orders("hosted_ok");
  boost::json::object card{{"hosted", true}, {"return_url", return_url(spec)}};
  auto created = api().post("/v1/payments", hosted_body(spec, card),
                            "application/json");
  ASSERT_EQ(created.res.result_int(), 201u) << created.res.body();
  auto checkout = json_of(created).as_object();
  EXPECT_EQ(string_at(checkout, {"payment_method", "type"}), "hosted");
  std::vector<std::string> redirects;
  for (const auto& o : checkout.at("payment_orders").as_array()) {
    EXPECT_EQ(string_at(o.as_object(), {"status"}), "PENDING");
    auto url = string_at(o.as_object(), {"redirect_url"});
    EXPECT_NE(url.find("/pay/cs_"), std::string::npos) << url;
    redirects.push_back(url);
  }
  ASSERT_EQ(redirects.size(), 2u);

  // Registering is idempotent: the same request answers the same sessions.
  auto again = api().post("/v1/payments", hosted_body(spec, card),
                          "application/json");
  ASSERT_EQ(again.res.result_int(), 200u) << again.res.body();
  EXPECT_EQ(order_field(json_of(again), 0, "redirect_url"), redirects[0]);

  auto status = json_of(
    api().get("/pay/status/" + spec.checkout_id + "?format=json"));
  EXPECT_EQ(string_at(status, {"status"}), "processing");

  EXPECT_EQ(pay_on_page(redirects[0], "4242 4242 4242 4242"), 303u);
  EXPECT_EQ(pay_on_page(redirects[1], "4000000000000002"), 303u);
  auto settled = wait_until_settled(api(), spec.checkout_id);
  ASSERT_TRUE(settled.settled) << boost::json::serialize(settled.checkout);
  EXPECT_EQ(order_field(settled.checkout, 0, "status"), "SUCCESS");
  EXPECT_EQ(order_field(settled.checkout, 1, "status"), "FAILED");
  EXPECT_EQ(order_field(settled.checkout, 1, "failure_code"),
            "generic_decline");
  EXPECT_EQ(charges_of(spec.orders[0].payment_order_id), 1u);
  EXPECT_EQ(charges_of(spec.orders[1].payment_order_id), 0u);

  auto page = api().get("/pay/status/" + spec.checkout_id);
  ASSERT_EQ(page.res.result_int(), 200u);
  EXPECT_NE(page.res.body().find("id=\"checkout-status\" class=\"failed\""),
            std::string::npos)
    << page.res.body();
  // Final: the page no longer refreshes itself.
  EXPECT_EQ(page.res.body().find("http-equiv=\"refresh\""), std::string::npos);
}

TEST_F(hosted, bad_hosted_payment_methods_are_refused_by_name) {
  auto spec = two_orders("hosted_bad");
  const std::pair<boost::json::object, const char*> cases[] = {
    {{{"hosted", true}}, "credit_card_info.return_url"},
    {{{"hosted", true}, {"return_url", "ftp://shop.example/x"}},
     "credit_card_info.return_url"},
    {{{"hosted", true}, {"return_url", "https:///nohost"}},
     "credit_card_info.return_url"},
    {{{"hosted", false}, {"return_url", "https://shop.example"}},
     "credit_card_info.hosted"},
    {{{"hosted", true},
      {"return_url", "https://shop.example"},
      {"psp_token", "pm_card_visa"}},
     "credit_card_info.psp_token"},
  };
  for (const auto& [card, param] : cases) {
    auto r = api().post("/v1/payments", hosted_body(spec, card),
                        "application/json");
    EXPECT_EQ(r.res.result_int(), 400u) << boost::json::serialize(card);
    EXPECT_EQ(string_at(json_of(r), {"error", "param"}), param)
      << boost::json::serialize(card);
  }
  EXPECT_EQ(api().get("/v1/checkouts/" + spec.checkout_id).res.result_int(),
            404u);
}

TEST_F(hosted, status_page_of_an_unknown_checkout_is_404) {
  EXPECT_EQ(api().get("/pay/status/co_nobody_knows").res.result_int(), 404u);
}

}  // namespace
}  // namespace pay::it
