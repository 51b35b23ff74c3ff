// Classification of PSP answers: declined, transient and unknown outcome
// must never be confused.

#include <gtest/gtest.h>

#include "domain/common/psp_outcome.hpp"

namespace {

using pay::domain::charge_kind;
using pay::domain::classify_payment_intent;
using pay::domain::psp_transport;

struct row {
  const char* name;
  psp_transport transport;
  unsigned status;
  const char* body;
  charge_kind kind;
  const char* failure_code;
  const char* psp_reference;
};

const row rows[] = {
  {"succeeded_intent", psp_transport::responded, 200,
   R"({"id":"pi_1","status":"succeeded"})", charge_kind::succeeded, "", "pi_1"},
  {"processing_intent", psp_transport::responded, 200,
   R"({"id":"pi_2","status":"processing"})", charge_kind::processing, "",
   "pi_2"},
  {"requires_action_is_processing", psp_transport::responded, 200,
   R"({"id":"pi_3","status":"requires_action"})", charge_kind::processing, "",
   "pi_3"},
  {"card_declined_402", psp_transport::responded, 402,
   R"({"error":{"type":"card_error","code":"card_declined","decline_code":"generic_decline","payment_intent":{"id":"pi_4"}}})",
   charge_kind::declined, "generic_decline", "pi_4"},
  {"insufficient_funds_402", psp_transport::responded, 402,
   R"({"error":{"type":"card_error","code":"card_declined","decline_code":"insufficient_funds"}})",
   charge_kind::declined, "insufficient_funds", ""},
  {"declined_intent_200", psp_transport::responded, 200,
   R"({"id":"pi_5","status":"requires_payment_method","last_payment_error":{"code":"card_declined","decline_code":"do_not_honor"}})",
   charge_kind::declined, "do_not_honor", "pi_5"},
  {"server_error_is_transient", psp_transport::responded, 500,
   R"({"error":{"type":"api_error"}})", charge_kind::transient, "psp_http_500",
   ""},
  {"unavailable_is_transient", psp_transport::responded, 503, "",
   charge_kind::transient, "psp_http_503", ""},
  {"rate_limited_is_transient", psp_transport::responded, 429, "",
   charge_kind::transient, "psp_http_429", ""},
  {"in_flight_key_is_transient", psp_transport::responded, 409, "",
   charge_kind::transient, "psp_http_409", ""},
  {"bad_request_is_rejected", psp_transport::responded, 400,
   R"({"error":{"type":"invalid_request_error","code":"parameter_missing"}})",
   charge_kind::rejected, "parameter_missing", ""},
  {"amount_below_the_psp_minimum_is_a_decline_not_a_retry",
   psp_transport::responded, 400,
   R"({"error":{"type":"invalid_request_error","code":"amount_too_small","param":"amount"}})",
   charge_kind::declined, "amount_too_small", ""},
  {"wrong_api_key_is_transient_not_a_decline", psp_transport::responded, 401,
   R"({"error":{"type":"invalid_request_error","code":"api_key_invalid"}})",
   charge_kind::transient, "psp_auth_failed", ""},
  {"unknown_intent_is_unknown_not_failed", psp_transport::responded, 404,
   R"({"error":{"type":"invalid_request_error","code":"resource_missing"}})",
   charge_kind::outcome_unknown, "resource_missing", ""},
  {"reused_key_at_the_psp_is_unknown_not_a_decline", psp_transport::responded,
   400,
   R"({"error":{"type":"idempotency_error","code":"idempotency_key_reused"}})",
   charge_kind::outcome_unknown, "idempotency_key_reused", ""},
  {"not_sent_is_transient", psp_transport::not_sent, 0, "",
   charge_kind::transient, "psp_unreachable", ""},
  {"timeout_after_send_is_unknown", psp_transport::outcome_unknown, 0, "",
   charge_kind::outcome_unknown, "psp_no_answer", ""},
  {"garbage_200_is_unknown", psp_transport::responded, 200, "not json",
   charge_kind::outcome_unknown, "psp_unparsable_response", ""},
  {"unmodelled_status_is_unknown", psp_transport::responded, 200,
   R"({"id":"pi_6","status":"something_new"})", charge_kind::outcome_unknown,
   "", "pi_6"},
  {"error_without_error_object_is_unknown", psp_transport::responded, 404,
   R"({"message":"?"})", charge_kind::outcome_unknown, "", ""},
};

class psp_outcome_table : public ::testing::TestWithParam<row> {};

TEST_P(psp_outcome_table, classifies_as_expected) {
  const auto& r = GetParam();
  auto out = classify_payment_intent(r.transport, r.status, r.body);
  EXPECT_EQ(out.kind, r.kind) << to_string(out.kind);
  EXPECT_EQ(out.failure_code, r.failure_code);
  EXPECT_EQ(out.psp_reference, r.psp_reference);
}

INSTANTIATE_TEST_SUITE_P(psp_answers, psp_outcome_table,
                         ::testing::ValuesIn(rows), [](const auto& info) {
                           return std::string{info.param.name};
                         });

}  // namespace

namespace {

TEST(psp_outcome_test, only_answers_that_reached_the_psp_may_have_charged) {
  using pay::domain::classify_payment_intent;
  using pay::domain::psp_transport;
  EXPECT_TRUE(classify_payment_intent(psp_transport::outcome_unknown, 0, "")
                .may_have_charged);
  EXPECT_TRUE(classify_payment_intent(psp_transport::responded, 500, "")
                .may_have_charged);
  EXPECT_FALSE(classify_payment_intent(psp_transport::responded, 429, "")
                 .may_have_charged);
  EXPECT_TRUE(classify_payment_intent(psp_transport::responded, 200,
                                      R"({"id":"pi_1","status":"processing"})")
                .may_have_charged);
  EXPECT_FALSE(
    classify_payment_intent(psp_transport::not_sent, 0, "").may_have_charged);
  EXPECT_FALSE(classify_payment_intent(
                 psp_transport::responded, 402,
                 R"({"error":{"type":"card_error","code":"card_declined"}})")
                 .may_have_charged);
}

TEST(search_intents, a_key_used_with_other_parameters_is_a_key_conflict) {
  using pay::domain::classify_payment_intent;
  using pay::domain::psp_transport;
  EXPECT_TRUE(pay::domain::is_key_conflict(classify_payment_intent(
    psp_transport::responded, 400,
    R"({"error":{"type":"idempotency_error","message":"Keys for idempotent requests can only be used with the same parameters"}})")));
  EXPECT_TRUE(pay::domain::is_key_conflict(classify_payment_intent(
    psp_transport::responded, 400,
    R"({"error":{"type":"idempotency_error","code":"idempotency_key_reused"}})")));
  EXPECT_FALSE(pay::domain::is_key_conflict(
    classify_payment_intent(psp_transport::responded, 500, "")));
}

TEST(search_intents, finds_our_intent_by_its_metadata_and_classifies_it) {
  auto page = pay::domain::search_intents(
    pay::domain::psp_transport::responded, 200,
    R"({"object":"list","has_more":false,"data":[
         {"id":"pi_other","status":"succeeded","metadata":{"payment_order_id":"po_2"}},
         {"id":"pi_ours","status":"succeeded","metadata":{"payment_order_id":"po_1"}}]})",
    "po_1");
  EXPECT_TRUE(page.readable);
  ASSERT_TRUE(page.found);
  EXPECT_EQ(page.intent.kind, pay::domain::charge_kind::succeeded);
  EXPECT_EQ(page.intent.psp_reference, "pi_ours");
}

TEST(search_intents, a_page_without_ours_names_where_the_next_starts) {
  auto page = pay::domain::search_intents(
    pay::domain::psp_transport::responded, 200,
    R"({"object":"list","has_more":true,"data":[
         {"id":"pi_a","status":"succeeded","metadata":{}},
         {"id":"pi_b","status":"succeeded","metadata":{"payment_order_id":"po_9"}}]})",
    "po_1");
  EXPECT_TRUE(page.readable);
  EXPECT_FALSE(page.found);
  EXPECT_TRUE(page.has_more);
  EXPECT_EQ(page.last_id, "pi_b");
}

TEST(search_intents, an_unreadable_answer_is_never_taken_for_not_charged) {
  for (auto [status, body] :
       {std::pair<unsigned, const char*>{500, ""},
        {200, "[]"},
        {404, R"({"error":{"type":"invalid_request_error"}})"}}) {
    auto page = pay::domain::search_intents(
      pay::domain::psp_transport::responded, status, body, "po_1");
    EXPECT_FALSE(page.readable) << status;
    EXPECT_FALSE(page.found);
    EXPECT_TRUE(page.intent.may_have_charged) << status;
  }
}

}  // namespace

namespace pay::domain {
namespace {

TEST(capture_outcome, requires_capture_is_authorized_with_its_checks) {
  auto out = classify_payment_intent(
    psp_transport::responded, 200,
    R"({"id":"pi_1","status":"requires_capture","capture_method":"manual",)"
    R"("amount_capturable":700,"amount_received":0,"latest_charge":{)"
    R"("id":"ch_1","outcome":{"risk_level":"elevated","risk_score":71},)"
    R"("payment_method_details":{"card":{"checks":{"cvc_check":"fail",)"
    R"("address_line1_check":"pass","address_postal_code_check":)"
    R"("unavailable"}}}}})");
  EXPECT_EQ(out.kind, charge_kind::authorized);
  EXPECT_TRUE(out.may_have_charged);
  EXPECT_EQ(out.amount_capturable_minor, 700);
  EXPECT_EQ(out.checks.risk_level, "elevated");
  EXPECT_EQ(out.checks.risk_score, 71);
  EXPECT_EQ(out.checks.cvc_check, "fail");
  EXPECT_EQ(out.checks.address_postal_code_check, "unavailable");
}

TEST(capture_outcome, an_unexpanded_charge_reports_no_checks) {
  auto out = classify_payment_intent(
    psp_transport::responded, 200,
    R"({"id":"pi_1","status":"succeeded","latest_charge":"ch_1"})");
  EXPECT_EQ(out.kind, charge_kind::succeeded);
  EXPECT_FALSE(out.checks.reported());
}

TEST(capture_outcome, a_lapsed_authorization_is_voided_as_expired) {
  auto out = classify_payment_intent(
    psp_transport::responded, 200,
    R"({"id":"pi_1","status":"canceled","capture_method":"manual",)"
    R"("cancellation_reason":"automatic"})");
  EXPECT_EQ(out.kind, charge_kind::voided);
  EXPECT_EQ(out.failure_code, "authorization_expired");
}

TEST(capture_outcome, an_abandoned_challenge_is_a_decline_expired) {
  auto out = classify_payment_intent(
    psp_transport::responded, 200,
    R"({"id":"pi_1","status":"canceled","capture_method":"manual",)"
    R"("cancellation_reason":"abandoned"})");
  EXPECT_EQ(out.kind, charge_kind::declined);
  EXPECT_EQ(out.failure_code, "expired");
}

TEST(capture_outcome, a_capture_too_late_is_classified_by_the_intent_it_names) {
  auto out = classify_payment_intent(
    psp_transport::responded, 400,
    R"({"error":{"type":"invalid_request_error","code":)"
    R"("payment_intent_unexpected_state","payment_intent":{"id":"pi_1",)"
    R"("status":"canceled","capture_method":"manual",)"
    R"("cancellation_reason":"automatic"}}})");
  EXPECT_EQ(out.kind, charge_kind::voided);
  EXPECT_EQ(out.failure_code, "authorization_expired");
  auto twice = classify_payment_intent(
    psp_transport::responded, 400,
    R"({"error":{"type":"invalid_request_error","code":)"
    R"("payment_intent_unexpected_state","payment_intent":{"id":"pi_1",)"
    R"("status":"succeeded","amount_received":700}}})");
  EXPECT_EQ(twice.kind, charge_kind::succeeded);
}

}  // namespace
}  // namespace pay::domain
