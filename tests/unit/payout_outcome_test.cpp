#include <gtest/gtest.h>

#include "domain/payout/payout_outcome.hpp"

namespace pay::domain {
namespace {

constexpr auto responded = psp_transport::responded;

std::string payout_body(const std::string& status,
                        const std::string& failure_code = "null") {
  return R"({"id":"po_1","object":"payout","amount":500,"currency":"usd",)"
         R"("destination":"seller_a","status":")"
         + status + R"(","failure_code":)" + failure_code + "}";
}

TEST(payout_outcome, pending_payout_is_pending_with_its_reference) {
  auto out = classify_payout(responded, 200, payout_body("pending"));
  EXPECT_EQ(out.kind, payout_kind::pending);
  EXPECT_EQ(out.psp_reference, "po_1");
}

TEST(payout_outcome, paid_payout_is_paid) {
  EXPECT_EQ(classify_payout(responded, 200, payout_body("paid")).kind,
            payout_kind::paid);
}

TEST(payout_outcome, failed_payout_carries_the_failure_code) {
  auto out = classify_payout(responded, 200,
                             payout_body("failed", R"("account_closed")"));
  EXPECT_EQ(out.kind, payout_kind::failed);
  EXPECT_EQ(out.failure_code, "account_closed");
}

TEST(payout_outcome, final_client_errors_are_rejections) {
  auto out = classify_payout(
    responded, 400,
    R"({"error":{"type":"invalid_request_error","code":"parameter_invalid","message":"bad amount"}})");
  EXPECT_EQ(out.kind, payout_kind::rejected);
  EXPECT_EQ(out.failure_code, "parameter_invalid");
  EXPECT_EQ(out.failure_message, "bad amount");
}

TEST(payout_outcome, busy_conflicting_or_unauthorised_answers_are_retried) {
  for (unsigned status : {500u, 502u, 503u, 409u, 429u, 401u, 403u, 404u})
    EXPECT_EQ(classify_payout(responded, status,
                              R"({"error":{"type":"api_error"}})")
                .kind,
              payout_kind::retry)
      << status;
}

TEST(payout_outcome, a_lost_or_unsent_request_is_retried_never_failed) {
  EXPECT_EQ(classify_payout(psp_transport::outcome_unknown, 0, "").kind,
            payout_kind::retry);
  EXPECT_EQ(classify_payout(psp_transport::not_sent, 0, "").kind,
            payout_kind::retry);
}

TEST(payout_outcome, unreadable_or_unexpected_success_bodies_are_retried) {
  EXPECT_EQ(classify_payout(responded, 200, "not json").kind,
            payout_kind::retry);
  EXPECT_EQ(classify_payout(responded, 200, payout_body("weird")).kind,
            payout_kind::retry);
  EXPECT_EQ(classify_payout(responded, 200, R"({"status":"paid"})").kind,
            payout_kind::retry);
}

std::string transfer_body(bool reversed) {
  return R"({"id":"tr_1","object":"transfer","amount":500,"currency":"usd",)"
         R"("destination":"acct_1","reversed":)"
         + std::string{reversed ? "true" : "false"}
         + R"(,"metadata":{"payout_id":"pyo_1"}})";
}

TEST(payout_outcome,
     a_transfer_not_reversed_is_transferred_with_its_reference) {
  auto out = classify_payout(responded, 200, transfer_body(false));
  EXPECT_EQ(out.kind, payout_kind::transferred);
  EXPECT_EQ(out.psp_reference, "tr_1");
}

TEST(payout_outcome, a_reversed_transfer_or_a_reversal_is_reversed) {
  EXPECT_EQ(classify_payout(responded, 200, transfer_body(true)).kind,
            payout_kind::reversed);
  auto out = classify_payout(
    responded, 200,
    R"({"id":"trr_1","object":"transfer_reversal","amount":500,"transfer":"tr_1"})");
  EXPECT_EQ(out.kind, payout_kind::reversed);
  EXPECT_EQ(out.psp_reference, "tr_1");
}

TEST(payout_outcome, a_lookup_list_is_read_by_our_payout_id_in_metadata) {
  auto list =
    R"({"object":"list","has_more":false,"data":[)"
    R"({"id":"tr_0","object":"transfer","reversed":false,"metadata":{"payout_id":"pyo_0"}},)"
    + transfer_body(false) + "]}";
  auto out = classify_payout(responded, 200, list, "pyo_1");
  EXPECT_EQ(out.kind, payout_kind::transferred);
  EXPECT_EQ(out.psp_reference, "tr_1");
  auto payouts = R"({"object":"list","data":[{"id":"po_9","object":"payout",)"
                 R"("status":"paid","metadata":{"payout_id":"pyo_1"}}]})";
  EXPECT_EQ(classify_payout(responded, 200, payouts, "pyo_1").kind,
            payout_kind::paid);
}

TEST(payout_outcome, a_lookup_list_without_our_payout_says_absent) {
  auto list = R"({"object":"list","has_more":false,"data":[)"
              + transfer_body(false) + "]}";
  EXPECT_EQ(classify_payout(responded, 200, list, "pyo_2").kind,
            payout_kind::absent);
  EXPECT_EQ(
    classify_payout(responded, 200, R"({"object":"list"})", "pyo_2").kind,
    payout_kind::retry);
}

}  // namespace
}  // namespace pay::domain
