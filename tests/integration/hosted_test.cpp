// The hosted payment page flow over plain HTTP (the browser suite drives the
// same pages in Chromium): registration, the buyer's card form at pspsim,
// the webhook and poll that finish the order, and the buyer's status page.

#include <chrono>
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
  http::sync_result pay_on_page(const std::string& redirect_url,
                                const std::string& card_number) {
    auto path = redirect_url.substr(redirect_url.find("/pay/"));
    auto r = sim().post(path,
                        http::form_encode({{"card_number", card_number},
                                           {"card_expiry", "12/39"},
                                           {"card_cvc", "123"},
                                           {"card_name", "Ada Lovelace"}}),
                        "application/x-www-form-urlencoded");
    EXPECT_TRUE(r.ok) << r.error;
    return r;
  }

  // The checkout session id (cs_...) a redirect_url .../pay/{id} names.
  static std::string session_of(const std::string& redirect_url) {
    return redirect_url.substr(redirect_url.rfind('/') + 1);
  }

  // Polls GET /v1/payments/{id} until it has `status`.
  void wait_for_order(const std::string& id, const std::string& status) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
    std::string last;
    while (std::chrono::steady_clock::now() < deadline) {
      last = string_at(json_of(api().get("/v1/payments/" + id)), {"status"});
      if (last == status) return;
      std::this_thread::sleep_for(std::chrono::milliseconds{20});
    }
    ADD_FAILURE() << id << " never reached " << status << " (last " << last
                  << ")";
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

  // Paid: the buyer is sent to the success URL, which names the session.
  auto paid = pay_on_page(redirects[0], "4242 4242 4242 4242");
  EXPECT_EQ(paid.res.result_int(), 303u) << paid.res.body();
  EXPECT_EQ(header_of(paid, "Location"),
            return_url(spec) + "?session_id=" + session_of(redirects[0]));
  // Declined: the form again with the reason, the session stays open for
  // another card, and the order stays PENDING.
  auto declined = pay_on_page(redirects[1], "4000000000000002");
  EXPECT_EQ(declined.res.result_int(), 402u);
  EXPECT_NE(declined.res.body().find("generic_decline"), std::string::npos)
    << declined.res.body();
  wait_for_order(spec.orders[0].payment_order_id, "SUCCESS");
  std::this_thread::sleep_for(std::chrono::milliseconds{300});
  EXPECT_EQ(order_field(json_of(api().get("/v1/checkouts/" + spec.checkout_id)),
                        1, "status"),
            "PENDING");
  // The buyer may also give up: the page's cancel link leads back to us.
  auto form = sim().get(redirects[1].substr(redirects[1].find("/pay/")));
  EXPECT_EQ(form.res.result_int(), 200u);
  EXPECT_NE(form.res.body().find("id=\"cancel-link\""), std::string::npos);
  EXPECT_NE(form.res.body().find("href=\"" + return_url(spec)
                                 + "?cancelled=true\""),
            std::string::npos)
    << form.res.body();

  // Nobody pays within the session's 24 hours: it expires, and so does the
  // order (checkout.session.expired), failed as expired, not as a decline.
  auto advanced = sim().post("/sim/clock/advance?seconds=86400", "",
                             "application/x-www-form-urlencoded");
  ASSERT_EQ(advanced.res.result_int(), 200u) << advanced.res.body();
  auto settled = wait_until_settled(api(), spec.checkout_id);
  ASSERT_TRUE(settled.settled) << boost::json::serialize(settled.checkout);
  EXPECT_EQ(order_field(settled.checkout, 0, "status"), "SUCCESS");
  EXPECT_EQ(order_field(settled.checkout, 1, "status"), "FAILED");
  EXPECT_EQ(order_field(settled.checkout, 1, "failure_code"), "expired");
  EXPECT_EQ(charges_of(spec.orders[0].payment_order_id), 1u);
  EXPECT_EQ(charges_of(spec.orders[1].payment_order_id), 0u);
  // The expired page offers only the way back.
  auto gone = sim().get(redirects[1].substr(redirects[1].find("/pay/")));
  EXPECT_EQ(gone.res.result_int(), 410u);

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
