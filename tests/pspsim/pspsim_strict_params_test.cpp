// Every /v1 endpoint refuses what Stripe (2020-08-27) would refuse: an
// unknown parameter is a 400 parameter_unknown naming it, a missing one a
// 400 parameter_missing; arrays may be sent as x[0] or x[]. Black-box
// against the real pspsim process.
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

class strict_params : public pspsim_suite<strict_params> {
 protected:
  std::string succeeded_intent() {
    const auto r = post("/v1/payment_intents", visa_payment());
    return std::string(json_of(r).at("id").as_string());
  }
  // The exact body Stripe answers an unknown parameter with.
  static void expect_unknown(const http::sync_result& r,
                             const std::string& name) {
    ASSERT_EQ(r.res.result_int(), 400u) << r.res.body();
    const auto expected = boost::json::object{
      {"error",
       boost::json::object{{"type", "invalid_request_error"},
                           {"code", "parameter_unknown"},
                           {"message", "Received unknown parameter: " + name},
                           {"param", name}}}};
    EXPECT_EQ(json_of(r), expected);
  }
};

TEST_F(strict_params, unknown_intent_parameter_is_refused_and_nothing_made) {
  for (const std::string name :
       {"confirmation_method", "customer", "setup_future_usage",
        "amount_decimal", "payment_method_types[1]", "metadata[a][b]"}) {
    auto fields = visa_payment();
    fields.emplace_back(name, "x");
    expect_unknown(post("/v1/payment_intents", fields, "k-" + name), name);
  }
  EXPECT_EQ(json_of(client_->get("/sim/stats")).at("intents"), 0);
  EXPECT_TRUE(json_of(client_->get("/sim/idempotency_keys")).empty());
}

TEST_F(strict_params, every_documented_intent_parameter_is_accepted) {
  auto fields = visa_payment();
  fields.emplace_back("payment_method_types[0]", "card");
  fields.emplace_back("return_url", "https://shop.example/back");
  fields.emplace_back("error_on_requires_action", "false");
  fields.emplace_back("description", "Order 1");
  fields.emplace_back("metadata[payment_order_id]", "po_1");
  fields.emplace_back("capture_method", "automatic");
  fields.emplace_back("expand[]", "latest_charge");
  const auto r = post("/v1/payment_intents", fields);
  ASSERT_EQ(r.res.result_int(), 200u) << r.res.body();
  EXPECT_EQ(json_of(r).at("status"), "succeeded");
}

TEST_F(strict_params, appended_array_form_equals_the_indexed_one) {
  auto indexed = visa_payment();
  indexed.emplace_back("payment_method_types[0]", "card");
  auto appended = visa_payment();
  appended.emplace_back("payment_method_types[]", "card");
  const auto first = post("/v1/payment_intents", indexed, "arr-1");
  ASSERT_EQ(first.res.result_int(), 200u) << first.res.body();
  // The same parameters for idempotency: a replay, not a conflict.
  const auto second = post("/v1/payment_intents", appended, "arr-1");
  ASSERT_EQ(second.res.result_int(), 200u) << second.res.body();
  EXPECT_EQ(header_of(second, "Idempotent-Replayed"), "true");
}

TEST_F(strict_params, unknown_refund_parameter_is_refused) {
  const std::string intent = succeeded_intent();
  expect_unknown(post("/v1/refunds", {{"payment_intent", intent},
                                      {"refund_application_fee", "true"}}),
                 "refund_application_fee");
  expect_unknown(post("/v1/refunds", {{"charge", "ch_1"}}), "charge");
  const auto missing = post("/v1/refunds", {{"amount", "100"}});
  EXPECT_EQ(error_field(missing, "code"), "parameter_missing");
  EXPECT_EQ(error_field(missing, "param"), "payment_intent");
  EXPECT_TRUE(
    json_of(client_->get("/sim/refunds")).at("data").as_array().empty());
}

TEST_F(strict_params, refund_reason_must_be_one_of_stripes) {
  const std::string intent = succeeded_intent();
  const auto bad = post("/v1/refunds",
                        {{"payment_intent", intent}, {"reason", "changed"}});
  EXPECT_EQ(bad.res.result_int(), 400u);
  EXPECT_EQ(error_field(bad, "param"), "reason");
  const auto good = post("/v1/refunds", {{"payment_intent", intent},
                                         {"reason", "requested_by_customer"}});
  ASSERT_EQ(good.res.result_int(), 200u) << good.res.body();
  EXPECT_EQ(json_of(good).at("reason"), "requested_by_customer");
}

TEST_F(strict_params, unknown_payout_parameter_is_refused) {
  expect_unknown(post("/v1/payouts",
                      {{"amount", "100"},
                       {"currency", "usd"},
                       {"destination", "acct_a"},
                       {"method", "instant"}},
                      "pyo-1"),
                 "method");
  const auto missing = post("/v1/payouts",
                            {{"amount", "100"}, {"destination", "acct_a"}},
                            "pyo-2");
  EXPECT_EQ(error_field(missing, "code"), "parameter_missing");
  EXPECT_EQ(error_field(missing, "param"), "currency");
}

TEST_F(strict_params, unknown_checkout_session_parameter_is_refused) {
  auto fields = session_form();
  fields.emplace_back("allow_promotion_codes", "true");
  expect_unknown(post("/v1/checkout/sessions", fields),
                 "allow_promotion_codes");
}

TEST_F(strict_params, retrieve_routes_refuse_query_parameters) {
  const std::vector<std::string> paths{"/v1/refunds/re_x", "/v1/payouts/po_x",
                                       "/v1/checkout/sessions/cs_x"};
  for (const auto& path : paths) {
    const auto r = client_->get(path + "?expand[]=customer", auth_headers());
    ASSERT_EQ(r.res.result_int(), 400u) << path;
    EXPECT_EQ(error_field(r, "code"), "parameter_unknown") << path;
    EXPECT_EQ(error_field(r, "param"), "expand[0]") << path;
  }
}

TEST_F(strict_params, intent_retrieve_expands_latest_charge_and_nothing_else) {
  const std::string intent = succeeded_intent();
  const std::string path = "/v1/payment_intents/" + intent;
  for (const std::string query :
       {"?expand[]=latest_charge", "?expand[0]=latest_charge",
        "?expand%5B%5D=latest_charge"}) {
    const auto r = client_->get(path + query, auth_headers());
    ASSERT_EQ(r.res.result_int(), 200u) << query << r.res.body();
    EXPECT_TRUE(json_of(r).at("latest_charge").is_object()) << query;
  }
  const auto other = client_->get(path + "?expand[]=customer", auth_headers());
  ASSERT_EQ(other.res.result_int(), 400u);
  EXPECT_EQ(error_field(other, "code"), "parameter_invalid");
  EXPECT_EQ(error_field(other, "param"), "expand[0]");
  expect_unknown(client_->get(path + "?expand[1]=latest_charge",
                              auth_headers()),
                 "expand[1]");
  expect_unknown(client_->get(path + "?limit=1", auth_headers()), "limit");
}

TEST_F(strict_params, capture_and_cancel_take_only_their_own_parameters) {
  const std::string intent = succeeded_intent();
  const std::string base = "/v1/payment_intents/" + intent;
  expect_unknown(post(base + "/capture", {{"metadata[a]", "b"}}),
                 "metadata[a]");
  expect_unknown(post(base + "/capture",
                      {{"cancellation_reason", "duplicate"}}),
                 "cancellation_reason");
  expect_unknown(post(base + "/cancel", {{"amount_to_capture", "100"}}),
                 "amount_to_capture");
  const auto bad_reason = post(base + "/cancel",
                               {{"cancellation_reason", "changed_mind"}});
  EXPECT_EQ(error_field(bad_reason, "code"), "parameter_invalid");
  EXPECT_EQ(error_field(bad_reason, "param"), "cancellation_reason");
  const auto bad_expand = post(base + "/capture", {{"expand[]", "customer"}});
  EXPECT_EQ(error_field(bad_expand, "code"), "parameter_invalid");
  EXPECT_EQ(error_field(bad_expand, "param"), "expand[0]");
}

TEST_F(strict_params, unknown_balance_transactions_query_is_refused) {
  for (const std::string name : {"payout", "ending_before", "currency"}) {
    const auto r = client_->get("/v1/balance_transactions?" + name + "=x",
                                auth_headers());
    expect_unknown(r, name);
  }
}

TEST_F(strict_params, unknown_transfer_reversal_parameter_is_refused) {
  // Checked before the transfer is looked up: none needs to exist.
  expect_unknown(post("/v1/transfers/tr_x/reversals",
                      {{"amount", "100"}, {"refund_application_fee", "true"}},
                      "k-reversal"),
                 "refund_application_fee");
  expect_unknown(post("/v1/transfers/tr_x/reversals", {{"expand[]", "x"}}),
                 "expand[0]");
}

TEST_F(strict_params, unknown_transfer_and_payout_list_query_is_refused) {
  for (const std::string name : {"status", "expand[0]", "currency"}) {
    expect_unknown(client_->get("/v1/transfers?" + name + "=x", auth_headers()),
                   name);
    expect_unknown(client_->get("/v1/payouts?" + name + "=x", auth_headers()),
                   name);
  }
}

}  // namespace
}  // namespace pay::pspsim
