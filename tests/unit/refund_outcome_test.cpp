// Classifying pspsim's answer to POST /v1/refunds: success, final failure
// (a 4xx that moved no money), and retry (everything that decides nothing).

#include <gtest/gtest.h>

#include "domain/refund/refund_outcome.hpp"

namespace {

using pay::domain::classify_refund;
using pay::domain::classify_refund_lookup;
using pay::domain::psp_transport;
using pay::domain::refund_kind;

std::string error_body(const std::string& type, const std::string& code) {
  return R"({"error":{"type":")" + type + R"(","code":")" + code
         + R"(","message":"m"}})";
}

TEST(refund_outcome, succeeded_refund_object_is_success_with_its_reference) {
  auto out = classify_refund(
    psp_transport::responded, 200,
    R"({"id":"re_1","object":"refund","amount":100,"status":"succeeded"})");
  EXPECT_EQ(out.kind, refund_kind::succeeded);
  EXPECT_EQ(out.psp_reference, "re_1");
}

TEST(refund_outcome, failed_refund_object_is_final_failure) {
  auto out = classify_refund(psp_transport::responded, 200,
                             R"({"id":"re_2","status":"failed"})");
  EXPECT_EQ(out.kind, refund_kind::failed);
  EXPECT_EQ(out.failure_code, "refund_failed");
}

TEST(refund_outcome, pending_refund_is_kept_with_its_id_to_read_back) {
  auto out = classify_refund(psp_transport::responded, 200,
                             R"({"id":"re_3","status":"pending"})");
  EXPECT_EQ(out.kind, refund_kind::pending);
  EXPECT_EQ(out.psp_reference, "re_3");
}

TEST(refund_outcome, pending_refund_without_an_id_is_asked_again) {
  auto out = classify_refund(psp_transport::responded, 200,
                             R"({"status":"pending"})");
  EXPECT_EQ(out.kind, refund_kind::retry);
}

TEST(refund_outcome, lookup_adopts_our_refund_found_by_its_metadata) {
  auto out = classify_refund_lookup(
    psp_transport::responded, 200,
    R"({"object":"list","has_more":false,"data":[
         {"id":"re_other","status":"succeeded","metadata":{"refund_id":"rf_2"}},
         {"id":"re_ours","status":"pending","metadata":{"refund_id":"rf_1"}}]})",
    "rf_1");
  EXPECT_EQ(out.kind, refund_kind::pending);
  EXPECT_EQ(out.psp_reference, "re_ours");
}

TEST(refund_outcome, lookup_of_a_complete_list_without_ours_says_absent) {
  auto out = classify_refund_lookup(
    psp_transport::responded, 200,
    R"({"object":"list","has_more":false,"data":[
         {"id":"re_other","status":"succeeded","metadata":{"refund_id":"rf_2"}}]})",
    "rf_1");
  EXPECT_EQ(out.kind, refund_kind::absent);
}

TEST(refund_outcome, lookup_of_an_incomplete_list_never_says_absent) {
  auto out = classify_refund_lookup(
    psp_transport::responded, 200,
    R"({"object":"list","has_more":true,"data":[]})", "rf_1");
  EXPECT_EQ(out.kind, refund_kind::retry);
}

TEST(refund_outcome, lookup_the_psp_refused_never_fails_the_refund) {
  auto out = classify_refund_lookup(
    psp_transport::responded, 400,
    R"({"error":{"type":"invalid_request_error","code":"parameter_unknown"}})",
    "rf_1");
  EXPECT_EQ(out.kind, refund_kind::retry);
  EXPECT_EQ(out.failure_code, "parameter_unknown");
}

TEST(refund_outcome, lookup_that_got_no_answer_is_asked_again) {
  auto out = classify_refund_lookup(psp_transport::outcome_unknown, 0, "",
                                    "rf_1");
  EXPECT_EQ(out.kind, refund_kind::retry);
}

TEST(refund_outcome, succeeded_without_an_id_is_not_trusted) {
  auto out = classify_refund(psp_transport::responded, 200,
                             R"({"status":"succeeded"})");
  EXPECT_EQ(out.kind, refund_kind::retry);
}

TEST(refund_outcome, client_errors_other_than_409_and_429_are_final) {
  for (unsigned status : {400u, 402u, 404u, 422u}) {
    auto out = classify_refund(psp_transport::responded, status,
                               error_body("invalid_request_error",
                                          "amount_too_large"));
    EXPECT_EQ(out.kind, refund_kind::failed) << status;
    EXPECT_EQ(out.failure_code, "amount_too_large");
  }
}

TEST(refund_outcome, conflict_rate_limit_and_server_errors_are_retried) {
  for (unsigned status : {409u, 429u, 500u, 502u, 503u}) {
    auto out = classify_refund(psp_transport::responded, status,
                               error_body("api_error", "busy"));
    EXPECT_EQ(out.kind, refund_kind::retry) << status;
  }
}

TEST(refund_outcome, server_error_without_json_is_retried) {
  auto out = classify_refund(psp_transport::responded, 502,
                             "<html>bad gateway</html>");
  EXPECT_EQ(out.kind, refund_kind::retry);
}

TEST(refund_outcome, idempotency_error_is_never_a_final_failure) {
  auto out = classify_refund(psp_transport::responded, 400,
                             error_body("idempotency_error",
                                        "idempotency_key_reused"));
  EXPECT_EQ(out.kind, refund_kind::retry);
}

TEST(refund_outcome, our_bad_credentials_are_retried_not_failed) {
  for (unsigned status : {401u, 403u}) {
    auto out = classify_refund(psp_transport::responded, status,
                               error_body("invalid_request_error",
                                          "api_key_invalid"));
    EXPECT_EQ(out.kind, refund_kind::retry) << status;
    EXPECT_EQ(out.failure_code, "psp_auth_failed");
  }
}

TEST(refund_outcome, transport_failures_are_retried) {
  EXPECT_EQ(classify_refund(psp_transport::not_sent, 0, "").kind,
            refund_kind::retry);
  EXPECT_EQ(classify_refund(psp_transport::outcome_unknown, 0, "").kind,
            refund_kind::retry);
}

TEST(refund_outcome, unreadable_success_body_is_retried) {
  EXPECT_EQ(classify_refund(psp_transport::responded, 200, "not json").kind,
            refund_kind::retry);
  EXPECT_EQ(classify_refund(psp_transport::responded, 400, "[]").kind,
            refund_kind::retry);
}

}  // namespace
