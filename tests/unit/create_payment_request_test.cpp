// Parsing and validating POST /v1/payments before anything else sees it.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "gateway/payin/create_payment_request.hpp"

namespace {

using pay::new_checkout;
using pay::gateway::api_error;
using pay::gateway::create_payment_limits;
using pay::gateway::parse_create_payment;

namespace json = boost::json;

json::object valid_body() {
  return json::parse(R"({
    "checkout_id": "chk_1",
    "buyer_info": {"email": "b@example.com", "country": "US"},
    "credit_card_info": {"psp_token": "pm_card_visa"},
    "payment_orders": [
      {"payment_order_id": "po_1", "seller_account": "alice",
       "amount": "12.34", "currency": "USD"},
      {"payment_order_id": "po_2", "seller_account": "bob",
       "amount": "500", "currency": "JPY"}]})")
    .as_object();
}

api_error expect_error(const std::string& body, std::size_t max_orders = 100) {
  auto parsed = parse_create_payment(body, create_payment_limits{max_orders});
  if (auto* err = std::get_if<api_error>(&parsed)) return *err;
  ADD_FAILURE() << "accepted: " << body;
  return {};
}

TEST(create_payment_request_test, valid_body_becomes_minor_units) {
  auto parsed = parse_create_payment(json::serialize(valid_body()), {});
  ASSERT_TRUE(std::holds_alternative<new_checkout>(parsed));
  const auto& c = std::get<new_checkout>(parsed);
  EXPECT_EQ(c.id.value, "chk_1");
  EXPECT_EQ(c.psp_token, "pm_card_visa");
  ASSERT_EQ(c.orders.size(), 2u);
  EXPECT_EQ(c.orders[0].amount_minor, 1234);
  EXPECT_EQ(c.orders[0].currency, "USD");
  EXPECT_EQ(c.orders[1].amount_minor, 500);
  EXPECT_EQ(c.request_hash.size(), 64u);
}

TEST(create_payment_request_test, hash_ignores_key_order_and_whitespace) {
  auto a = std::get<new_checkout>(
    parse_create_payment(json::serialize(valid_body()), {}));
  std::string reordered = R"({"payment_orders":[
      {"currency":"USD","amount":"12.34","seller_account":"alice","payment_order_id":"po_1"},
      {"amount":"500","currency":"JPY","payment_order_id":"po_2","seller_account":"bob"}],
    "credit_card_info":{"psp_token":"pm_card_visa"},
    "buyer_info":{"country":"US","email":"b@example.com"},"checkout_id":"chk_1"})";
  auto b = std::get<new_checkout>(parse_create_payment(reordered, {}));
  EXPECT_EQ(a.request_hash, b.request_hash);
  EXPECT_EQ(a.buyer_info_json, b.buyer_info_json);
}

TEST(create_payment_request_test, hash_changes_when_an_amount_changes) {
  auto body = valid_body();
  auto a = std::get<new_checkout>(
    parse_create_payment(json::serialize(body), {}));
  body["payment_orders"].as_array()[1].as_object()["amount"] = "501";
  auto b = std::get<new_checkout>(
    parse_create_payment(json::serialize(body), {}));
  EXPECT_NE(a.request_hash, b.request_hash);
}

struct bad_row {
  const char* name;
  std::function<void(json::object&)> mutate;
  const char* code;
  const char* param;
};

const bad_row bad_rows[] = {
  {"missing_checkout_id", [](json::object& b) { b.erase("checkout_id"); },
   "parameter_missing", "checkout_id"},
  {"numeric_checkout_id", [](json::object& b) { b["checkout_id"] = 5; },
   "parameter_invalid_type", "checkout_id"},
  {"checkout_id_with_space",
   [](json::object& b) { b["checkout_id"] = "chk 1"; }, "parameter_invalid",
   "checkout_id"},
  {"checkout_id_too_long",
   [](json::object& b) { b["checkout_id"] = std::string(256, 'c'); },
   "parameter_invalid", "checkout_id"},
  {"checkout_id_longer_than_the_psp_carries",
   [](json::object& b) { b["checkout_id"] = std::string(201, 'c'); },
   "parameter_too_long", "checkout_id"},
  {"order_id_longer_than_the_psp_carries",
   [](json::object& b) {
     b["payment_orders"].as_array()[0].as_object()["payment_order_id"] =
       std::string(201, 'o');
   },
   "parameter_too_long", "payment_orders[0].payment_order_id"},
  {"seller_longer_than_the_psp_carries",
   [](json::object& b) {
     b["payment_orders"].as_array()[1].as_object()["seller_account"] =
       std::string(201, 's');
   },
   "parameter_too_long", "payment_orders[1].seller_account"},
  {"three_decimal_amount_not_ending_in_zero",
   [](json::object& b) {
     auto& order = b["payment_orders"].as_array()[0].as_object();
     order["amount"] = "1.234";
     order["currency"] = "BHD";
   },
   "amount_invalid", "payment_orders[0].amount"},
  {"token_return_url_not_a_url",
   [](json::object& b) {
     b["credit_card_info"].as_object()["return_url"] = "shop";
   },
   "parameter_invalid", "credit_card_info.return_url"},
  {"buyer_info_not_object", [](json::object& b) { b["buyer_info"] = "x"; },
   "parameter_invalid_type", "buyer_info"},
  {"missing_card_info", [](json::object& b) { b.erase("credit_card_info"); },
   "parameter_missing", "credit_card_info"},
  {"missing_psp_token",
   [](json::object& b) { b["credit_card_info"] = json::object{}; },
   "parameter_missing", "credit_card_info.psp_token"},
  {"card_number_is_unknown_field",
   [](json::object& b) {
     b["credit_card_info"].as_object()["number"] = "4242424242424242";
   },
   "parameter_unknown", "credit_card_info.number"},
  {"unknown_top_level_field", [](json::object& b) { b["coupon"] = "x"; },
   "parameter_unknown", "coupon"},
  {"orders_not_array", [](json::object& b) { b["payment_orders"] = 1; },
   "parameter_invalid_type", "payment_orders"},
  {"orders_empty", [](json::object& b) { b["payment_orders"] = json::array{}; },
   "parameter_invalid_empty", "payment_orders"},
  {"amount_as_number",
   [](json::object& b) {
     b["payment_orders"].as_array()[1].as_object()["amount"] = 500;
   },
   "amount_not_a_string", "payment_orders[1].amount"},
  {"amount_with_too_many_decimals",
   [](json::object& b) {
     b["payment_orders"].as_array()[0].as_object()["amount"] = "1.234";
   },
   "amount_too_many_decimals", "payment_orders[0].amount"},
  {"amount_negative",
   [](json::object& b) {
     b["payment_orders"].as_array()[0].as_object()["amount"] = "-1.00";
   },
   "amount_has_sign", "payment_orders[0].amount"},
  {"lowercase_currency_names_currency",
   [](json::object& b) {
     b["payment_orders"].as_array()[1].as_object()["currency"] = "jpy";
   },
   "currency_not_uppercase", "payment_orders[1].currency"},
  {"unknown_currency",
   [](json::object& b) {
     b["payment_orders"].as_array()[0].as_object()["currency"] = "ABC";
   },
   "currency_unknown", "payment_orders[0].currency"},
  {"missing_seller",
   [](json::object& b) {
     b["payment_orders"].as_array()[1].as_object().erase("seller_account");
   },
   "parameter_missing", "payment_orders[1].seller_account"},
  {"order_not_object",
   [](json::object& b) { b["payment_orders"].as_array()[0] = "po"; },
   "parameter_invalid_type", "payment_orders[0]"},
  {"duplicate_order_id",
   [](json::object& b) {
     b["payment_orders"].as_array()[1].as_object()["payment_order_id"] = "po_1";
   },
   "duplicate_payment_order_id", "payment_orders[1].payment_order_id"},
  {"nul_in_buyer_info",
   [](json::object& b) {
     b["buyer_info"].as_object()["name"] = std::string("a\0b", 3);
   },
   "parameter_invalid", "buyer_info.name"},
};

class bad_create_payment : public ::testing::TestWithParam<bad_row> {};

TEST_P(bad_create_payment, is_refused_naming_the_field) {
  auto body = valid_body();
  GetParam().mutate(body);
  auto err = expect_error(json::serialize(body));
  EXPECT_EQ(err.http_status, 400u);
  EXPECT_EQ(err.code, GetParam().code);
  EXPECT_EQ(err.param, GetParam().param);
  EXPECT_FALSE(err.message.empty());
}

INSTANTIATE_TEST_SUITE_P(table, bad_create_payment,
                         ::testing::ValuesIn(bad_rows), [](const auto& info) {
                           return std::string{info.param.name};
                         });

TEST(create_payment_request_test, ids_at_the_psp_limit_and_round_bhd_pass) {
  auto body = valid_body();
  body["checkout_id"] = std::string(200, 'c');
  auto& order = body["payment_orders"].as_array()[0].as_object();
  order["amount"] = "1.230";
  order["currency"] = "BHD";
  auto parsed = parse_create_payment(json::serialize(body), {});
  ASSERT_TRUE(std::holds_alternative<new_checkout>(parsed));
  EXPECT_EQ(std::get<new_checkout>(parsed).orders[0].amount_minor, 1230);
}

TEST(create_payment_request_test, an_account_prefix_shortens_what_ids_may_be) {
  auto body = valid_body();
  body["checkout_id"] = std::string(190, 'c');
  create_payment_limits scoped;
  scoped.psp_id_chars_max = 200 - 22;  // "acct_<16>:"
  auto parsed = parse_create_payment(json::serialize(body), scoped);
  ASSERT_TRUE(std::holds_alternative<api_error>(parsed));
  EXPECT_EQ(std::get<api_error>(parsed).param, "checkout_id");
}

TEST(create_payment_request_test, token_checkout_may_give_a_return_url) {
  auto body = valid_body();
  body["credit_card_info"].as_object()["return_url"] = "https://shop.example/r";
  auto parsed = parse_create_payment(json::serialize(body), {});
  ASSERT_TRUE(std::holds_alternative<new_checkout>(parsed));
  const auto& c = std::get<new_checkout>(parsed);
  EXPECT_EQ(c.psp_token, "pm_card_visa");
  EXPECT_EQ(c.return_url, "https://shop.example/r");
}

TEST(create_payment_request_test, malformed_json_is_invalid_json) {
  EXPECT_EQ(expect_error("{\"checkout_id\":").code, "invalid_json");
  EXPECT_EQ(expect_error("[1,2]").code, "invalid_json");
}

TEST(create_payment_request_test, orders_beyond_the_limit_are_refused) {
  auto body = valid_body();
  auto err = expect_error(json::serialize(body), 1);
  EXPECT_EQ(err.code, "too_many_payment_orders");
  EXPECT_EQ(err.param, "payment_orders");
}

TEST(create_payment_request_test, orders_exactly_at_the_limit_are_accepted) {
  auto parsed = parse_create_payment(json::serialize(valid_body()),
                                     create_payment_limits{2});
  EXPECT_TRUE(std::holds_alternative<new_checkout>(parsed));
}

}  // namespace
