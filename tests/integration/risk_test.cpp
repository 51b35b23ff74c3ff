// Our risk checks before any charge, against the real stack configured by
// the test environment (tests/integration/environment.cpp): each rule's
// allow / review / block path, and an operator's approve and reject.

#include <gtest/gtest.h>

#include "tests/integration/fixture.hpp"

namespace pay::it {
namespace {

class risk : public integration {
 protected:
  checkout_spec one_order(const std::string& name,
                          const std::string& amount = "20.00") {
    checkout_spec spec;
    spec.checkout_id = unique("co_" + name);
    spec.orders.push_back(
      {unique("po_" + name), unique("seller_" + name), amount, "USD"});
    return spec;
  }

  // POSTs the checkout with `buyer` as buyer_info and waits for the answer.
  boost::json::object create(const checkout_spec& spec,
                             const boost::json::object& buyer) {
    auto body = checkout_json(spec);
    body["buyer_info"] = buyer;
    auto r = api().post("/v1/payments", boost::json::serialize(body),
                        "application/json", {{"Prefer", "wait=10"}});
    EXPECT_EQ(r.res.result_int(), 201u) << r.res.body();
    auto v = json_of(r);
    return v.is_object() ? v.as_object() : boost::json::object{};
  }

  static std::string first_order(const boost::json::object& checkout,
                                 const char* field) {
    return string_at(checkout.at("payment_orders").as_array().at(0), {field});
  }

  static std::vector<std::string> fired(const boost::json::object& checkout) {
    std::vector<std::string> out;
    for (const auto& r : checkout.at("risk").at("rules").as_array())
      out.push_back(string_at(r, {"rule"}));
    return out;
  }

  void expect_blocked(const boost::json::object& checkout,
                      const std::string& rule) {
    EXPECT_EQ(string_at(checkout, {"risk", "verdict"}), "block");
    EXPECT_EQ(first_order(checkout, "status"), "FAILED");
    EXPECT_EQ(first_order(checkout, "failure_code"), "risk_blocked");
    auto rules = fired(checkout);
    EXPECT_NE(std::find(rules.begin(), rules.end(), rule), rules.end())
      << rule << " not among " << boost::json::serialize(checkout.at("risk"));
    EXPECT_EQ(charges_of(first_order(checkout, "payment_order_id")), 0u);
  }

  void expect_review(const boost::json::object& checkout,
                     const std::string& rule) {
    EXPECT_EQ(string_at(checkout, {"status"}), "in_review");
    EXPECT_EQ(string_at(checkout, {"risk", "verdict"}), "review");
    EXPECT_EQ(string_at(checkout, {"risk", "review_status"}), "open");
    EXPECT_EQ(first_order(checkout, "status"), "REVIEW");
    auto rules = fired(checkout);
    EXPECT_NE(std::find(rules.begin(), rules.end(), rule), rules.end())
      << rule << " not among " << boost::json::serialize(checkout.at("risk"));
    EXPECT_EQ(charges_of(first_order(checkout, "payment_order_id")), 0u);
  }

  boost::json::object buyer(const std::string& email,
                            const std::string& country = "GB") {
    return {{"email", email}, {"country", country}};
  }
};

TEST_F(risk, ordinary_checkout_is_allowed_and_says_so) {
  auto spec = one_order("allow");
  auto checkout = create(spec, buyer(unique("ok") + "@example.com"));
  EXPECT_EQ(string_at(checkout, {"risk", "verdict"}), "allow");
  EXPECT_TRUE(checkout.at("risk").at("rules").as_array().empty());
  EXPECT_EQ(first_order(checkout, "status"), "SUCCESS");
}

TEST_F(risk, each_block_rule_fails_the_orders_without_calling_the_psp) {
  expect_blocked(create(one_order("b_mail"), buyer("x@mail.fraud.test")),
                 "blocked_email_domain");
  expect_blocked(create(one_order("b_country"),
                        buyer(unique("c") + "@example.com", "KP")),
                 "blocked_country");
  boost::json::object banned{{"account_id", "acct_banned"},
                             {"email", unique("b") + "@example.com"}};
  expect_blocked(create(one_order("b_account"), banned), "blocked_account");
  expect_blocked(create(one_order("b_amount", "60000.00"),
                        buyer(unique("a") + "@example.com")),
                 "max_amount");
}

TEST_F(risk, each_review_rule_holds_the_orders_for_an_operator) {
  expect_review(create(one_order("r_mail"), buyer("y@review.test")),
                "review_email_domain");
  expect_review(create(one_order("r_country"),
                       buyer(unique("n") + "@example.com", "NG")),
                "review_country");
  expect_review(create(one_order("r_amount", "6000.00"),
                       buyer(unique("r") + "@example.com")),
                "review_amount");
}

TEST_F(risk, velocity_reviews_then_blocks_a_buyer_in_a_hurry) {
  boost::json::object fast{{"account_id", unique("acct_fast")},
                           {"email", unique("f") + "@example.com"}};
  std::vector<std::string> verdicts;
  for (int i = 0; i < 5; ++i)
    verdicts.push_back(
      string_at(create(one_order("vel_" + std::to_string(i)), fast),
                {"risk", "verdict"}));
  std::vector<std::string> expected = {"allow", "allow", "review", "review",
                                       "block"};
  EXPECT_EQ(verdicts, expected);
}

// Every rule reads the buyer one way: a block on "bob" is not escaped by
// "bob " or " bob", and neither is the count of the velocity rule.
TEST_F(risk, velocity_counts_one_buyer_however_the_account_id_is_padded) {
  const auto id = unique("acct_padded");
  std::vector<std::string> verdicts;
  const std::string spellings[] = {id, id + " ", " " + id, "  " + id + "  ",
                                   id};
  for (std::size_t i = 0; i < std::size(spellings); ++i)
    verdicts.push_back(
      string_at(create(one_order("pad_" + std::to_string(i)),
                       boost::json::object{{"account_id", spellings[i]}}),
                {"risk", "verdict"}));
  std::vector<std::string> expected = {"allow", "allow", "review", "review",
                                       "block"};
  EXPECT_EQ(verdicts, expected);
}

TEST_F(risk, velocity_counts_one_buyer_whatever_the_case_of_the_email) {
  const auto email = unique("Mixed") + "@Example.com";
  std::vector<std::string> verdicts;
  const std::string spellings[] = {email, " " + email, email + " "};
  for (std::size_t i = 0; i < std::size(spellings); ++i)
    verdicts.push_back(
      string_at(create(one_order("mail_" + std::to_string(i)),
                       boost::json::object{{"email", spellings[i]}}),
                {"risk", "verdict"}));
  std::vector<std::string> expected = {"allow", "allow", "review"};
  EXPECT_EQ(verdicts, expected);
}

TEST_F(risk, approved_review_is_charged_once_and_rejected_one_fails) {
  auto approve_me = create(one_order("appr", "6000.00"),
                           buyer(unique("p") + "@example.com"));
  auto reject_me = create(one_order("rej", "6000.00"),
                          buyer(unique("q") + "@example.com"));
  auto approve_id = string_at(approve_me, {"checkout_id"});
  auto reject_id = string_at(reject_me, {"checkout_id"});

  auto listed = api().get("/admin/reviews", admin_auth);
  ASSERT_EQ(listed.res.result_int(), 200u);
  EXPECT_NE(listed.res.body().find(approve_id), std::string::npos);
  EXPECT_EQ(anonymous().get("/admin/reviews").res.result_int(), 401u);

  auto ok = api().post("/admin/reviews/" + approve_id + "/approve",
                       R"({"reason":"known customer"})", "application/json",
                       admin_auth);
  ASSERT_EQ(ok.res.result_int(), 200u) << ok.res.body();
  ASSERT_TRUE(wait_until_settled(api(), approve_id).settled);
  auto order_id = first_order(approve_me, "payment_order_id");
  EXPECT_EQ(string_at(json_of(api().get("/v1/payments/" + order_id)),
                      {"status"}),
            "SUCCESS");
  EXPECT_EQ(charges_of(order_id), 1u);

  auto no = api().post("/admin/reviews/" + reject_id + "/reject",
                       R"({"reason":"stolen card pattern"})",
                       "application/json", admin_auth);
  ASSERT_EQ(no.res.result_int(), 200u) << no.res.body();
  auto rejected = first_order(reject_me, "payment_order_id");
  auto order = json_of(api().get("/v1/payments/" + rejected));
  EXPECT_EQ(string_at(order, {"status"}), "FAILED");
  EXPECT_EQ(string_at(order, {"failure_code"}), "risk_rejected");
  EXPECT_EQ(charges_of(rejected), 0u);

  // Decided is decided.
  EXPECT_EQ(api()
              .post("/admin/reviews/" + reject_id + "/approve", "",
                    "application/json", admin_auth)
              .res.result_int(),
            409u);
  EXPECT_EQ(api()
              .post("/admin/reviews/co_nobody/approve", "", "application/json",
                    admin_auth)
              .res.result_int(),
            404u);
  auto bad = api().post("/admin/reviews/" + approve_id + "/reject",
                        R"({"reason":42})", "application/json", admin_auth);
  EXPECT_EQ(bad.res.result_int(), 400u);
}

}  // namespace
}  // namespace pay::it
