// The per-endpoint allow-lists: unknown and missing parameters are named
// the way Stripe names them, and x[] arrays read as x[0].
#include "pspsim/stripe_params.hpp"

#include <gtest/gtest.h>

namespace pay::pspsim {
namespace {

http::form_fields intent_fields() {
  return {{"amount", "1000"},
          {"currency", "eur"},
          {"payment_method", "pm_card_visa"},
          {"confirm", "true"}};
}

TEST(stripe_params, every_documented_intent_parameter_is_accepted) {
  auto fields = intent_fields();
  fields.emplace_back("payment_method_types[0]", "card");
  fields.emplace_back("return_url", "https://shop.example/back");
  fields.emplace_back("error_on_requires_action", "true");
  fields.emplace_back("description", "d");
  fields.emplace_back("metadata[payment_order_id]", "po_1");
  fields.emplace_back("capture_method", "manual");
  fields.emplace_back("expand[0]", "latest_charge");
  EXPECT_FALSE(
    check_params(stripe_endpoint::create_payment_intent, fields).has_value());
}

TEST(stripe_params, unknown_parameter_is_parameter_unknown_naming_it) {
  auto fields = intent_fields();
  fields.emplace_back("confirmation_method", "manual");
  const auto e = check_params(stripe_endpoint::create_payment_intent, fields);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->http_status, 400u);
  EXPECT_EQ(e->code, "parameter_unknown");
  EXPECT_EQ(e->param, "confirmation_method");
  EXPECT_EQ(e->message, "Received unknown parameter: confirmation_method");
}

TEST(stripe_params, unknown_wins_over_missing_like_stripe) {
  const auto e = check_params(stripe_endpoint::create_refund,
                              {{"charge", "ch_1"}});
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->code, "parameter_unknown");
  EXPECT_EQ(e->param, "charge");
}

TEST(stripe_params, missing_required_parameter_is_parameter_missing) {
  const auto e = check_params(stripe_endpoint::create_refund,
                              {{"amount", "100"}});
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->code, "parameter_missing");
  EXPECT_EQ(e->param, "payment_intent");
  EXPECT_EQ(e->message, "Missing required param: payment_intent.");
}

TEST(stripe_params, metadata_takes_one_flat_key_only) {
  EXPECT_TRUE(param_matches("metadata[*]", "metadata[order_id]"));
  EXPECT_FALSE(param_matches("metadata[*]", "metadata[a][b]"));
  EXPECT_FALSE(param_matches("metadata[*]", "metadata[]"));
  EXPECT_FALSE(param_matches("metadata[*]", "metadata"));
  EXPECT_TRUE(param_matches("payment_intent_data[metadata][*]",
                            "payment_intent_data[metadata][po]"));
}

TEST(stripe_params, metadata_is_not_allowed_where_stripe_has_none) {
  const auto e = check_params(stripe_endpoint::list_balance_transactions,
                              {{"metadata[a]", "1"}});
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->code, "parameter_unknown");
}

TEST(stripe_params, appended_arrays_become_indexed) {
  const auto fields = normalise_array_params(
    {{"expand[]", "data.source"},
     {"payment_method_types[]", "card"},
     {"expand[]", "x"}});
  EXPECT_EQ(fields, (http::form_fields{{"expand[0]", "data.source"},
                                       {"payment_method_types[0]", "card"},
                                       {"expand[1]", "x"}}));
}

TEST(stripe_params, second_payment_method_type_is_unknown) {
  auto fields = intent_fields();
  fields.emplace_back("payment_method_types[0]", "card");
  fields.emplace_back("payment_method_types[1]", "card");
  const auto e = check_params(stripe_endpoint::create_payment_intent, fields);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->param, "payment_method_types[1]");
}

TEST(stripe_params, an_index_placeholder_matches_plain_indices_only) {
  constexpr std::string_view spec = "line_items[#][quantity]";
  EXPECT_TRUE(param_matches(spec, "line_items[0][quantity]"));
  EXPECT_TRUE(param_matches(spec, "line_items[99][quantity]"));
  EXPECT_FALSE(param_matches(spec, "line_items[01][quantity]"));
  EXPECT_FALSE(param_matches(spec, "line_items[][quantity]"));
  EXPECT_FALSE(param_matches(spec, "line_items[x][quantity]"));
  EXPECT_FALSE(param_matches(spec, "line_items[1000][quantity]"));
  EXPECT_FALSE(param_matches(spec, "line_items[0][price]"));
}

TEST(stripe_params, every_line_up_to_the_last_one_sent_must_be_complete) {
  const http::form_fields line0 = {
    {"mode", "payment"},
    {"payment_method_types[0]", "card"},
    {"line_items[0][price_data][currency]", "usd"},
    {"line_items[0][price_data][unit_amount]", "100"},
    {"line_items[0][price_data][product_data][name]", "A"},
    {"line_items[0][quantity]", "1"},
    {"success_url", "https://a.example/ok"},
    {"cancel_url", "https://a.example/no"}};
  EXPECT_FALSE(
    check_params(stripe_endpoint::create_checkout_session, line0).has_value());
  auto skipped = line0;
  skipped.emplace_back("line_items[2][quantity]", "1");
  const auto e = check_params(stripe_endpoint::create_checkout_session,
                              skipped);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->code, "parameter_missing");
  EXPECT_EQ(e->param, "line_items[1][price_data][currency]");
}

TEST(stripe_params, retrieve_takes_no_query_parameters) {
  EXPECT_FALSE(check_params(stripe_endpoint::retrieve, {}).has_value());
  EXPECT_TRUE(
    check_params(stripe_endpoint::retrieve, {{"expand[0]", "x"}}).has_value());
}

}  // namespace
}  // namespace pay::pspsim
