#include <gtest/gtest.h>

#include "actors/payin/executor.hpp"
#include "http/form.hpp"

namespace {

TEST(executor_call_test, create_intent_uses_the_order_id_as_idempotency_key) {
  pay::execute_charge charge;
  charge.order = pay::order_line{{"po_9"}, {"alice"}, 1234, "USD"};
  charge.checkout.value = "chk_9";
  charge.psp_token = "pm_card_visa";
  auto call = pay::make_create_intent_call(charge);
  EXPECT_EQ(call.method, "POST");
  EXPECT_EQ(call.target, "/v1/payment_intents");
  EXPECT_EQ(call.idempotency_key, "po_9");
  auto form = pay::http::form_decode(call.form_body);
  ASSERT_TRUE(form.has_value());
  std::map<std::string, std::string> fields(form->begin(), form->end());
  EXPECT_EQ(fields["amount"], "1234");
  EXPECT_EQ(fields["currency"], "usd");
  EXPECT_EQ(fields["payment_method"], "pm_card_visa");
  EXPECT_EQ(fields["confirm"], "true");
  EXPECT_EQ(fields["metadata[payment_order_id]"], "po_9");
  EXPECT_EQ(fields["capture_method"], "manual");
  EXPECT_EQ(fields["expand[]"], "latest_charge");
}

TEST(executor_call_test, a_charge_no_rule_can_hold_is_captured_by_the_psp) {
  pay::execute_charge charge;
  charge.order = pay::order_line{{"po_8"}, {"bob"}, 500, "EUR"};
  charge.authorize_only = false;
  auto form = pay::http::form_decode(
    pay::make_create_intent_call(charge).form_body);
  ASSERT_TRUE(form.has_value());
  std::map<std::string, std::string> fields(form->begin(), form->end());
  EXPECT_EQ(fields.count("capture_method"), 0u);  // Stripe's default: automatic
  EXPECT_EQ(fields["expand[]"], "latest_charge");
}

}  // namespace
