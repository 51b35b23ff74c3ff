// POST /v1/refunds parsing: every field's errors name the field, and two
// spellings of the same request hash the same.

#include <gtest/gtest.h>

#include "actors/refund/refund.hpp"
#include "gateway/refund/refund_request.hpp"
#include "messages/refund/refund_protocol.hpp"

namespace {

using pay::gateway::api_error;
using pay::gateway::parse_create_refund;
using pay::gateway::refund_request;

api_error error_of(std::string_view body) {
  auto parsed = parse_create_refund(body);
  EXPECT_TRUE(std::holds_alternative<api_error>(parsed)) << body;
  return std::holds_alternative<api_error>(parsed) ? std::get<api_error>(parsed)
                                                   : api_error{};
}

refund_request request_of(std::string_view body) {
  auto parsed = parse_create_refund(body);
  EXPECT_TRUE(std::holds_alternative<refund_request>(parsed)) << body;
  return std::holds_alternative<refund_request>(parsed)
           ? std::get<refund_request>(parsed)
           : refund_request{};
}

TEST(refund_request, full_refund_has_no_amount_and_the_default_reason) {
  auto r = request_of(R"({"payment_order_id":"po_1"})");
  EXPECT_EQ(r.payment_order_id, "po_1");
  EXPECT_EQ(r.amount, "");
  EXPECT_EQ(r.reason, "requested_by_customer");
  EXPECT_EQ(r.request_hash.size(), 64u);
}

TEST(refund_request, partial_refund_keeps_the_decimal_string) {
  auto r = request_of(
    R"({"payment_order_id":"po_1","amount":"12.34","reason":"damaged"})");
  EXPECT_EQ(r.amount, "12.34");
  EXPECT_EQ(r.reason, "damaged");
}

TEST(refund_request, key_order_and_spacing_do_not_change_the_hash) {
  auto a = request_of(R"({"payment_order_id":"po_1","amount":"1.00"})");
  auto b = request_of(R"({ "amount" : "1.00",  "payment_order_id":"po_1" })");
  EXPECT_EQ(a.request_hash, b.request_hash);
}

TEST(refund_request, another_amount_or_order_changes_the_hash) {
  auto a = request_of(R"({"payment_order_id":"po_1","amount":"1.00"})");
  auto b = request_of(R"({"payment_order_id":"po_1","amount":"2.00"})");
  auto c = request_of(R"({"payment_order_id":"po_2","amount":"1.00"})");
  auto d = request_of(R"({"payment_order_id":"po_1"})");
  EXPECT_NE(a.request_hash, b.request_hash);
  EXPECT_NE(a.request_hash, c.request_hash);
  EXPECT_NE(a.request_hash, d.request_hash);
}

TEST(refund_request, bad_json_and_non_objects_are_refused) {
  EXPECT_EQ(error_of("{").code, "invalid_json");
  EXPECT_EQ(error_of("[]").code, "invalid_json");
}

TEST(refund_request, missing_or_bad_order_id_names_payment_order_id) {
  EXPECT_EQ(error_of("{}").param, "payment_order_id");
  EXPECT_EQ(error_of(R"({"payment_order_id":7})").param, "payment_order_id");
  EXPECT_EQ(error_of(R"({"payment_order_id":"a b"})").param,
            "payment_order_id");
}

TEST(refund_request, amounts_that_are_not_decimal_strings_name_amount) {
  for (auto body : {R"({"payment_order_id":"po","amount":12.34})",
                    R"({"payment_order_id":"po","amount":"-1"})",
                    R"({"payment_order_id":"po","amount":"1e3"})",
                    R"({"payment_order_id":"po","amount":"0"})",
                    R"({"payment_order_id":"po","amount":"abc"})",
                    R"({"payment_order_id":"po","amount":""})"}) {
    auto err = error_of(body);
    EXPECT_EQ(err.param, "amount") << body;
    EXPECT_EQ(err.http_status, 400u) << body;
  }
}

TEST(refund_request, reason_must_be_a_short_string) {
  EXPECT_EQ(error_of(R"({"payment_order_id":"po","reason":5})").param,
            "reason");
  EXPECT_EQ(error_of(R"({"payment_order_id":"po","reason":""})").param,
            "reason");
  std::string long_reason(501, 'x');
  EXPECT_EQ(error_of(R"({"payment_order_id":"po","reason":")" + long_reason
                     + "\"}")
              .param,
            "reason");
  std::string longest(500, 'x');
  EXPECT_EQ(request_of(R"({"payment_order_id":"po","reason":")" + longest
                       + "\"}")
              .reason.size(),
            500u);
}

TEST(refund_request, unknown_fields_are_refused_by_name) {
  auto err = error_of(R"({"payment_order_id":"po","currency":"USD"})");
  EXPECT_EQ(err.code, "parameter_unknown");
  EXPECT_EQ(err.param, "currency");
}

TEST(refund_call, psp_call_uses_the_refund_id_as_idempotency_key) {
  pay::refund_work work;
  work.view.refund_id.value = "rf_1";
  work.view.payment_order_id = "po_1";
  work.view.amount_minor = 250;
  work.payment_intent = "pi_9";
  auto call = pay::make_refund_call(work, "cid");
  EXPECT_EQ(call.method, "POST");
  EXPECT_EQ(call.target, "/v1/refunds");
  EXPECT_EQ(call.idempotency_key, "rf_1");
  EXPECT_NE(call.form_body.find("payment_intent=pi_9"), std::string::npos);
  EXPECT_NE(call.form_body.find("amount=250"), std::string::npos);
  EXPECT_NE(call.form_body.find("metadata%5Brefund_id%5D=rf_1"),
            std::string::npos);
}

}  // namespace
