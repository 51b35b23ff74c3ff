// Bad requests are refused before anything is stored or charged, each with
// the status, Stripe-style code and exact `param` a client can act on.
#include <functional>
#include <optional>

#include <boost/beast/http/verb.hpp>

#include "tests/integration/fixture.hpp"

namespace pay::it {
namespace {

namespace json = boost::json;
namespace bhttp = boost::beast::http;

struct bad_request {
  std::string name;
  std::string method;
  std::string path;
  std::string content_type;  // empty: no Content-Type header
  std::string body;
  unsigned status;
  std::string code;                  // empty: not checked (not stable)
  std::optional<std::string> param;  // nullopt: must be JSON null
  std::string allow = {};            // expected Allow header, when set
};

http::sync_result send(http::sync_client& client, const bad_request& row) {
  http::request req{bhttp::string_to_verb(row.method), row.path, 11};
  if (!row.content_type.empty())
    req.set(bhttp::field::content_type, row.content_type);
  req.body() = row.body;
  return client.send(std::move(req));
}

// {"error":{"type","code","message","param"}} and nothing else.
void expect_error_shape(const json::value& body, const std::string& name) {
  ASSERT_TRUE(body.is_object()) << name << ": not a JSON object";
  const auto& root = body.as_object();
  ASSERT_EQ(root.size(), 1u) << name << ": " << json::serialize(body);
  ASSERT_TRUE(root.contains("error") && root.at("error").is_object())
    << name << ": " << json::serialize(body);
  const auto& error = root.at("error").as_object();
  EXPECT_EQ(error.size(), 4u) << name << ": " << json::serialize(body);
  for (const char* key : {"type", "code", "message"}) {
    const auto* v = error.if_contains(key);
    EXPECT_TRUE(v && v->is_string() && !v->as_string().empty())
      << name << ": error." << key << " in " << json::serialize(body);
  }
  const auto* param = error.if_contains("param");
  EXPECT_TRUE(param && (param->is_string() || param->is_null()))
    << name << ": error.param in " << json::serialize(body);
}

class bad_input_table {
 public:
  explicit bad_input_table(json::object valid) : valid_(std::move(valid)) {}

  // A POST /v1/payments whose body is the valid request changed by `edit`.
  bad_request edited(std::string name,
                     const std::function<void(json::object&)>& edit,
                     std::string code, std::optional<std::string> param) const {
    auto body = valid_;
    edit(body);
    return post(std::move(name), json::serialize(body), std::move(code),
                std::move(param));
  }

  bad_request post(std::string name, std::string body, std::string code,
                   std::optional<std::string> param, unsigned status = 400,
                   std::string content_type = "application/json") const {
    return bad_request{std::move(name),         "POST",          "/v1/payments",
                       std::move(content_type), std::move(body), status,
                       std::move(code),         std::move(param)};
  }

  static json::object& order(json::object& body, std::size_t index) {
    return body["payment_orders"].as_array()[index].as_object();
  }

  // The amount (and currency) of order [1] replaced.
  bad_request amount(std::string name, std::string amount, std::string currency,
                     std::string code) const {
    return edited(
      std::move(name),
      [=](json::object& b) {
        order(b, 1)["amount"] = amount;
        order(b, 1)["currency"] = currency;
      },
      std::move(code), "payment_orders[1].amount");
  }

 private:
  json::object valid_;
};

std::vector<bad_request> all_bad_requests(const bad_input_table& t,
                                          const checkout_spec& spec) {
  using obj = json::object;
  const auto& order = bad_input_table::order;
  const std::string long_id(256, 'x');
  json::array many_orders;
  for (int i = 0; i < 101; ++i)
    many_orders.push_back(
      obj{{"payment_order_id", spec.checkout_id + "_" + std::to_string(i)},
          {"seller_account", "seller_many"},
          {"amount", "1.00"},
          {"currency", "USD"}});
  std::vector<bad_request> rows{
    t.post("invalid JSON", R"({"checkout_id": "x",)", "invalid_json",
           std::nullopt),
    t.post("body is an array", "[1, 2, 3]", "invalid_json", std::nullopt),
    t.post("body is a string", R"("hello")", "invalid_json", std::nullopt),
    t.post("empty body", "", "invalid_json", std::nullopt),
    t.edited(
      "missing checkout_id", [](obj& b) { b.erase("checkout_id"); },
      "parameter_missing", "checkout_id"),
    t.edited(
      "null checkout_id", [](obj& b) { b["checkout_id"] = nullptr; },
      "parameter_missing", "checkout_id"),
    t.edited(
      "missing buyer_info", [](obj& b) { b.erase("buyer_info"); },
      "parameter_missing", "buyer_info"),
    t.edited(
      "missing credit_card_info", [](obj& b) { b.erase("credit_card_info"); },
      "parameter_missing", "credit_card_info"),
    t.edited(
      "missing psp_token", [](obj& b) { b["credit_card_info"] = obj{}; },
      "parameter_missing", "credit_card_info.psp_token"),
    t.edited(
      "missing payment_orders", [](obj& b) { b.erase("payment_orders"); },
      "parameter_missing", "payment_orders"),
    t.edited(
      "missing payment_order_id",
      [&](obj& b) { order(b, 0).erase("payment_order_id"); },
      "parameter_missing", "payment_orders[0].payment_order_id"),
    t.edited(
      "missing seller_account",
      [&](obj& b) { order(b, 2).erase("seller_account"); }, "parameter_missing",
      "payment_orders[2].seller_account"),
    t.edited(
      "missing amount", [&](obj& b) { order(b, 1).erase("amount"); },
      "parameter_missing", "payment_orders[1].amount"),
    t.edited(
      "missing currency", [&](obj& b) { order(b, 2).erase("currency"); },
      "parameter_missing", "payment_orders[2].currency"),
    t.edited(
      "checkout_id is a number", [](obj& b) { b["checkout_id"] = 42; },
      "parameter_invalid_type", "checkout_id"),
    t.edited(
      "buyer_info is a string", [](obj& b) { b["buyer_info"] = "Ada"; },
      "parameter_invalid_type", "buyer_info"),
    t.edited(
      "psp_token is a number",
      [](obj& b) {
        b["credit_card_info"] = obj{{"psp_token", 7}};
      },
      "parameter_invalid_type", "credit_card_info.psp_token"),
    t.edited(
      "payment_orders is an object",
      [](obj& b) { b["payment_orders"] = obj{}; }, "parameter_invalid_type",
      "payment_orders"),
    t.edited(
      "an order is a string",
      [](obj& b) { b["payment_orders"].as_array()[1] = "order"; },
      "parameter_invalid_type", "payment_orders[1]"),
    t.edited(
      "currency is a number", [&](obj& b) { order(b, 2)["currency"] = 840; },
      "parameter_invalid_type", "payment_orders[2].currency"),
    t.edited(
      "seller_account is a boolean",
      [&](obj& b) { order(b, 1)["seller_account"] = true; },
      "parameter_invalid_type", "payment_orders[1].seller_account"),
    t.edited(
      "amount as a JSON number", [&](obj& b) { order(b, 1)["amount"] = 12.5; },
      "amount_not_a_string", "payment_orders[1].amount"),
    t.edited(
      "amount as a JSON integer", [&](obj& b) { order(b, 1)["amount"] = 12; },
      "amount_not_a_string", "payment_orders[1].amount"),
    t.amount("negative amount", "-1.00", "USD", "amount_has_sign"),
    t.amount("plus sign", "+1", "USD", "amount_has_sign"),
    t.amount("exponent", "1e3", "USD", "amount_has_exponent"),
    t.amount("leading space", " 1", "USD", "amount_has_whitespace"),
    t.amount("three decimals in USD", "1.234", "USD",
             "amount_too_many_decimals"),
    t.amount("a decimal in JPY", "1.5", "JPY", "amount_too_many_decimals"),
    // The PSP takes three-decimal currencies in steps of 0.010 only.
    t.amount("three decimals in BHD not ending in 0", "1.234", "BHD",
             "amount_invalid"),
    t.amount("the smallest BHD amount", "0.001", "BHD", "amount_invalid"),
    t.amount("zero", "0", "USD", "amount_zero"),
    t.amount("zero with decimals", "0.00", "USD", "amount_zero"),
    t.amount("one past int64 in minor units", "92233720368547758.08", "USD",
             "amount_too_large"),
    t.amount("far past int64", "99999999999999999999", "JPY",
             "amount_too_large"),
    t.amount("empty amount", "", "USD", "amount_empty"),
    t.amount("comma decimal", "1,50", "EUR", "amount_not_a_decimal_string"),
    t.amount("trailing dot", "1.", "EUR", "amount_not_a_decimal_string"),
    t.amount("leading zeros", "007.50", "EUR", "amount_leading_zeros"),
    t.edited(
      "lowercase currency", [&](obj& b) { order(b, 1)["currency"] = "usd"; },
      "currency_not_uppercase", "payment_orders[1].currency"),
    t.edited(
      "unknown currency", [&](obj& b) { order(b, 1)["currency"] = "ABC"; },
      "currency_unknown", "payment_orders[1].currency"),
    t.edited(
      "checkout_id with a space",
      [](obj& b) { b["checkout_id"] = "has space"; }, "parameter_invalid",
      "checkout_id"),
    t.edited(
      "checkout_id of 256 characters",
      [&](obj& b) { b["checkout_id"] = long_id; }, "parameter_invalid",
      "checkout_id"),
    // The PSP carries the ids (Stripe: at most 200 characters).
    t.edited(
      "checkout_id of 201 characters",
      [](obj& b) { b["checkout_id"] = std::string(201, 'c'); },
      "parameter_too_long", "checkout_id"),
    t.edited(
      "payment_order_id of 201 characters",
      [&](obj& b) { order(b, 0)["payment_order_id"] = std::string(201, 'p'); },
      "parameter_too_long", "payment_orders[0].payment_order_id"),
    t.edited(
      "return_url of a token checkout not http(s)",
      [](obj& b) {
        b["credit_card_info"] = obj{{"psp_token",
                                     "pm_card_threeDSecureRequired"},
                                    {"return_url", "ftp://shop.example/back"}};
      },
      "parameter_invalid", "credit_card_info.return_url"),
    t.edited(
      "payment_order_id with a slash",
      [&](obj& b) { order(b, 2)["payment_order_id"] = "a/b"; },
      "parameter_invalid", "payment_orders[2].payment_order_id"),
    t.edited(
      "seller_account of 256 characters",
      [&](obj& b) { order(b, 1)["seller_account"] = long_id; },
      "parameter_invalid", "payment_orders[1].seller_account"),
    t.edited(
      "empty psp_token",
      [](obj& b) {
        b["credit_card_info"] = obj{{"psp_token", ""}};
      },
      "parameter_invalid", "credit_card_info.psp_token"),
    t.edited(
      "checkout_id that is not ASCII",
      [](obj& b) { b["checkout_id"] = "caf\u00e9"; }, "parameter_invalid",
      "checkout_id"),
    t.edited(
      "buyer_info with a NUL character",
      [](obj& b) {
        b["buyer_info"] = obj{{"name", std::string("a\0b", 3)}};
      },
      "parameter_invalid", "buyer_info.name"),
    t.post("buyer_info number 1e400 (would be stored as Infinity)",
           R"({"checkout_id":"inf","buyer_info":{"score":1e400},)"
           R"("credit_card_info":{"psp_token":"pm_card_visa"},)"
           R"("payment_orders":[{"payment_order_id":"po_inf",)"
           R"("seller_account":"s","amount":"1.00","currency":"USD"}]})",
           "parameter_invalid", "buyer_info.score"),
    t.edited(
      "buyer_info integer beyond 2^53 (would be rounded)",
      [](obj& b) {
        b["buyer_info"] = obj{{"id", json::value(9007199254740993ull)}};
      },
      "parameter_invalid", "buyer_info.id"),
    t.edited(
      "buyer_info e-mail of 3,000 characters (index row too big)",
      [](obj& b) {
        b["buyer_info"] = obj{
          {"email", std::string(3000, 'a') + "@example.com"}};
      },
      "parameter_too_long", "buyer_info.email"),
    t.edited(
      "buyer_info of 100 keys",
      [](obj& b) {
        obj many;
        for (int i = 0; i < 100; ++i) many["k" + std::to_string(i)] = i;
        b["buyer_info"] = many;
      },
      "parameter_too_large", "buyer_info"),
    t.post("buyer_info of 100 KB (580 MB in 15 s before the cap)",
           R"({"checkout_id":"pad","buyer_info":{"pad":")"
             + std::string(100'000, 'x')
             + R"("},"credit_card_info":{"psp_token":"pm_card_visa"},)"
               R"("payment_orders":[{"payment_order_id":"po_pad",)"
               R"("seller_account":"s","amount":"1.00","currency":"USD"}]})",
           "parameter_too_large", "buyer_info", 413),
    t.post("buyer_info nested 1000 deep",
           R"({"checkout_id":"deep","buyer_info":)" + std::string(1000, '[')
             + std::string(1000, ']') + "}",
           "invalid_json", std::nullopt),
    t.edited(
      "no orders", [](obj& b) { b["payment_orders"] = json::array{}; },
      "parameter_invalid_empty", "payment_orders"),
    t.edited(
      "101 orders", [&](obj& b) { b["payment_orders"] = many_orders; },
      "too_many_payment_orders", "payment_orders"),
    t.edited(
      "same payment_order_id twice",
      [&](obj& b) {
        order(b, 2)["payment_order_id"] = order(b, 0)["payment_order_id"];
      },
      "duplicate_payment_order_id", "payment_orders[2].payment_order_id"),
    t.edited(
      "unknown top-level field", [](obj& b) { b["amount"] = "1.00"; },
      "parameter_unknown", "amount"),
    t.edited(
      "unknown order field", [&](obj& b) { order(b, 1)["note"] = "gift"; },
      "parameter_unknown", "payment_orders[1].note"),
    t.edited(
      "unknown card field",
      [](obj& b) { b["credit_card_info"].as_object()["number"] = "4242"; },
      "parameter_unknown", "credit_card_info.number"),
    t.post("text/plain body", checkout_body(spec), "unsupported_media_type",
           std::nullopt, 415, "text/plain"),
    t.post("form-encoded body", "checkout_id=x", "unsupported_media_type",
           std::nullopt, 415, "application/x-www-form-urlencoded"),
    t.post("no Content-Type", checkout_body(spec), "unsupported_media_type",
           std::nullopt, 415, ""),
    t.post("body over 1 MiB",
           R"({"checkout_id":")" + std::string((1 << 20) + 16, 'x') + R"("})",
           "body_too_large", std::nullopt, 413),
    {"GET unknown path", "GET", "/v1/disputes", "", "", 404, "resource_missing",
     std::nullopt},
    {"GET root", "GET", "/", "", "", 404, "resource_missing", std::nullopt},
    {"DELETE /v1/payments", "DELETE", "/v1/payments", "", "", 405,
     "method_not_allowed", std::nullopt, "POST"},
    {"GET /v1/payments", "GET", "/v1/payments", "", "", 405,
     "method_not_allowed", std::nullopt, "POST"},
    {"POST to an order", "POST",
     "/v1/payments/" + spec.orders[0].payment_order_id, "application/json",
     "{}", 405, "method_not_allowed", std::nullopt, "GET"},
    {"GET unknown order", "GET", "/v1/payments/" + spec.checkout_id + "_nope",
     "", "", 404, "resource_missing", "payment_order_id"},
    {"GET unknown checkout", "GET",
     "/v1/checkouts/" + spec.checkout_id + "_nope", "", "", 404,
     "resource_missing", "checkout_id"},
    {"GET unknown wallet", "GET", "/v1/wallets/" + spec.checkout_id + "_nope",
     "", "", 404, "resource_missing", "seller_account"},
  };
  return rows;
}

TEST_F(integration,
       bad_input_table_gets_the_right_status_and_param_and_changes_nothing) {
  checkout_spec spec{unique("co_bad"),
                     "pm_card_visa",
                     {{unique("ord_0"), unique("seller_bad"), "1.00", "USD"},
                      {unique("ord_1"), unique("seller_bad"), "2.00", "USD"},
                      {unique("ord_2"), unique("seller_bad"), "3.00", "EUR"}}};
  const bad_input_table table{checkout_json(spec)};
  const auto rows = all_bad_requests(table, spec);
  ASSERT_GE(rows.size(), 25u);

  const auto before = count_rows(database_url(), sim());
  for (const auto& row : rows) {
    SCOPED_TRACE(row.name);
    const auto r = send(api(), row);
    ASSERT_TRUE(r.ok) << row.name << ": " << r.error;
    EXPECT_EQ(r.res.result_int(), row.status) << r.res.body();
    const auto body = json_of(r);
    expect_error_shape(body, row.name);
    if (!row.code.empty()) {
      EXPECT_EQ(string_at(body, {"error", "code"}), row.code) << r.res.body();
    }
    EXPECT_EQ(string_at(body, {"error", "param"}), row.param.value_or("<null>"))
      << r.res.body();
    if (!row.allow.empty()) {
      EXPECT_EQ(header_of(r, "Allow"), row.allow);
    }
  }
  EXPECT_EQ(count_rows(database_url(), sim()), before);

  // The valid request the table was made from is accepted (a charset
  // parameter on the media type included): the rows failed for the one
  // thing each changed.
  const auto valid = api().post("/v1/payments", checkout_body(spec),
                                "application/json; charset=utf-8",
                                {{"Prefer", "wait=10"}});
  EXPECT_EQ(valid.res.result_int(), 201u) << valid.res.body();
  EXPECT_EQ(string_at(json_of(valid), {"status"}), "succeeded");
}

}  // namespace
}  // namespace pay::it
