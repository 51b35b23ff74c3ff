// Which undecided answers may still have moved money at the PSP: the flag
// a refund's and a pay-out's dead letter shows, and that makes a resolve
// ask the PSP before failing anything.

#include <gtest/gtest.h>

#include "domain/payout/payout_outcome.hpp"
#include "domain/payout/payout_steps.hpp"
#include "domain/refund/refund_outcome.hpp"

namespace pay::domain {
namespace {

const char* server_error = R"({"error":{"type":"api_error","code":"x"}})";

TEST(psp_may_have_acted, a_refund_whose_answer_was_lost_may_exist) {
  EXPECT_TRUE(
    classify_refund(psp_transport::outcome_unknown, 0, "").may_have_refunded);
  EXPECT_TRUE(classify_refund(psp_transport::responded, 500, server_error)
                .may_have_refunded);
  EXPECT_TRUE(classify_refund(psp_transport::responded, 200, "not json")
                .may_have_refunded);
  EXPECT_TRUE(
    classify_refund(psp_transport::responded, 409,
                    R"({"error":{"type":"idempotency_error","code":"x"}})")
      .may_have_refunded);
}

TEST(psp_may_have_acted, a_refund_the_psp_never_read_does_not_exist) {
  EXPECT_FALSE(
    classify_refund(psp_transport::not_sent, 0, "").may_have_refunded);
  for (unsigned status : {401u, 403u, 429u})
    EXPECT_FALSE(classify_refund(psp_transport::responded, status, server_error)
                   .may_have_refunded)
      << status;
}

TEST(psp_may_have_acted, a_decided_refund_or_a_lookup_raises_no_flag) {
  EXPECT_FALSE(classify_refund(psp_transport::responded, 200,
                               R"({"id":"re_1","status":"succeeded"})")
                 .may_have_refunded);
  EXPECT_FALSE(
    classify_refund_lookup(psp_transport::outcome_unknown, 0, "", "rf_1")
      .may_have_refunded);
}

TEST(psp_may_have_acted, a_payout_call_without_an_answer_may_have_acted) {
  EXPECT_TRUE(
    classify_payout(psp_transport::outcome_unknown, 0, "").may_have_acted);
  EXPECT_TRUE(classify_payout(psp_transport::responded, 503, server_error)
                .may_have_acted);
  EXPECT_FALSE(classify_payout(psp_transport::not_sent, 0, "").may_have_acted);
  for (unsigned status : {401u, 403u, 404u, 429u})
    EXPECT_FALSE(classify_payout(psp_transport::responded, status, server_error)
                   .may_have_acted)
      << status;
}

TEST(psp_may_have_acted, only_transfers_payouts_and_reversals_move_money) {
  for (auto call : {payout_call::create_transfer, payout_call::create_payout,
                    payout_call::reverse_transfer})
    EXPECT_TRUE(moves_money(call)) << to_string(call);
  for (auto call :
       {payout_call::find_transfer, payout_call::find_payout,
        payout_call::read_payout, payout_call::read_transfer,
        payout_call::no_account, payout_call::no_transfer, payout_call::none})
    EXPECT_FALSE(moves_money(call)) << to_string(call);
}

}  // namespace
}  // namespace pay::domain
