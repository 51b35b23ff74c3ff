// Inputs the fuzz targets (fuzz/, docs/fuzzing.md) found breaking an
// invariant, kept as plain unit tests so the gcc build guards the fix.

#include <gtest/gtest.h>

#include "domain/common/psp_outcome.hpp"
#include "domain/refund/refund_outcome.hpp"

namespace {

using pay::domain::charge_kind;
using pay::domain::classify_payment_intent;
using pay::domain::classify_refund;
using pay::domain::psp_transport;
using pay::domain::refund_kind;

// fuzz_psp_outcome: "400\n{\"error\":{}}" failed the order with no
// failure_code at all.
TEST(fuzz_regressions,
     psp_refusal_without_code_or_type_is_named_after_its_status) {
  auto out = classify_payment_intent(psp_transport::responded, 400,
                                     R"({"error":{}})");
  EXPECT_EQ(out.kind, charge_kind::rejected);
  EXPECT_EQ(out.failure_code, "psp_http_400");

  out = classify_payment_intent(psp_transport::responded, 4,
                                R"({"error":{"message":"?"}})");
  EXPECT_EQ(out.kind, charge_kind::rejected);
  EXPECT_EQ(out.failure_code, "psp_http_4");
}

TEST(fuzz_regressions, psp_refusal_keeps_its_own_code_or_type) {
  auto out = classify_payment_intent(
    psp_transport::responded, 400,
    R"({"error":{"type":"invalid_request_error"}})");
  EXPECT_EQ(out.failure_code, "invalid_request_error");
}

// Same invariant, the intent's side: a declined intent whose
// last_payment_error carries no code kept an empty failure_code.
TEST(fuzz_regressions, declined_intent_without_codes_is_card_declined) {
  auto out = classify_payment_intent(
    psp_transport::responded, 200,
    R"({"id":"pi_1","status":"requires_payment_method","last_payment_error":{"message":"no"}})");
  EXPECT_EQ(out.kind, charge_kind::declined);
  EXPECT_EQ(out.failure_code, "card_declined");
  EXPECT_EQ(out.failure_message, "no");
}

// fuzz_refund_outcome: "400\n{\"error\":{\"tyPe\":\"x\"}}" failed the refund
// (final, stored with failure_code NULL) without saying why.
TEST(fuzz_regressions,
     refund_refusal_without_code_or_type_is_named_after_its_status) {
  auto out = classify_refund(psp_transport::responded, 400,
                             R"({"error":{"tyPe":"idempotency_error"}})");
  EXPECT_EQ(out.kind, refund_kind::failed);
  EXPECT_EQ(out.failure_code, "psp_http_400");
}

// fuzz_refund_outcome: "409\n{\"error\":{}}" retried with an empty code in
// the attempt's record and log line.
TEST(fuzz_regressions,
     refund_retry_without_code_or_type_is_named_after_its_status) {
  auto out = classify_refund(psp_transport::responded, 409, R"({"error":{}})");
  EXPECT_EQ(out.kind, refund_kind::retry);
  EXPECT_EQ(out.failure_code, "psp_http_409");
}

}  // namespace
