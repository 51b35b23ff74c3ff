// Where an exception's money in settlement_suspense may go when finance
// resolves it, and the balanced entry that moves it.

#include <gtest/gtest.h>

#include "domain/reconcile/suspense_correction.hpp"

namespace pay::domain {
namespace {

correction_facts holding(policy_case which, std::int64_t suspense_minor,
                         std::string seller = "") {
  return {which, suspense_minor, "USD", std::move(seller)};
}

TEST(suspense_correction, the_default_moves_the_money_to_the_receivable) {
  auto plan = plan_correction(holding(policy_case::unknown_charge, -1300), "");
  ASSERT_EQ(plan.outcome, correction_outcome::book);
  EXPECT_EQ(plan.account, "psp_receivable");
  EXPECT_EQ(plan.target_minor, -1300);
  ASSERT_EQ(plan.postings.size(), 2u);
  EXPECT_EQ(plan.postings[0].account, "settlement_suspense");
  EXPECT_EQ(plan.postings[0].amount_minor, 1300);
  EXPECT_EQ(plan.postings[1].account, "psp_receivable");
  EXPECT_EQ(plan.postings[1].amount_minor, -1300);
  EXPECT_TRUE(is_balanced(plan.postings));
}

TEST(suspense_correction, a_refund_lines_debit_is_given_back_as_a_credit) {
  auto plan = plan_correction(
    holding(policy_case::status_mismatch_refund_or_payout, 300), "bank");
  ASSERT_EQ(plan.outcome, correction_outcome::book);
  EXPECT_EQ(plan.postings[0].amount_minor, -300);
  EXPECT_EQ(plan.postings[1].account, "bank");
  EXPECT_EQ(plan.postings[1].amount_minor, 300);
}

TEST(suspense_correction, each_case_offers_the_accounts_that_make_sense) {
  using pc = policy_case;
  auto targets = [](pc which, std::string seller = "") {
    return correction_targets(holding(which, -100, std::move(seller)));
  };
  const std::vector<std::string> plain{"psp_receivable", "bank"};
  const std::vector<std::string> with_fees{"psp_receivable", "psp_fees",
                                           "bank"};
  EXPECT_EQ(targets(pc::amount_mismatch), with_fees);
  EXPECT_EQ(targets(pc::unknown_reference), with_fees);
  for (auto which : {pc::currency_mismatch, pc::duplicate_line,
                     pc::unknown_charge, pc::status_mismatch_order_unfinished,
                     pc::status_mismatch_refund_or_payout})
    EXPECT_EQ(targets(which), plain) << to_string(which);
  EXPECT_EQ(targets(pc::status_mismatch_order_failed, "seller_a"),
            (std::vector<std::string>{"psp_receivable",
                                      "seller_payable:seller_a", "bank"}));
}

TEST(suspense_correction, a_failed_orders_charge_goes_only_to_its_own_seller) {
  auto facts = holding(policy_case::status_mismatch_order_failed, -500,
                       "seller_a");
  EXPECT_EQ(plan_correction(facts, "seller_payable:seller_a").outcome,
            correction_outcome::book);
  EXPECT_EQ(plan_correction(facts, "seller_payable:seller_b").outcome,
            correction_outcome::account_not_allowed);
  EXPECT_EQ(plan_correction(holding(policy_case::unknown_charge, -500),
                            "seller_payable:seller_a")
              .outcome,
            correction_outcome::account_not_allowed);
}

TEST(suspense_correction, accounts_outside_the_cases_list_are_refused) {
  for (auto account : {"settlement_suspense", "payouts_in_transit", "psp_fees",
                       "no_such_account"}) {
    auto plan = plan_correction(holding(policy_case::duplicate_line, -100),
                                account);
    EXPECT_EQ(plan.outcome, correction_outcome::account_not_allowed) << account;
    EXPECT_TRUE(plan.postings.empty());
  }
}

TEST(suspense_correction, an_exception_holding_nothing_books_nothing) {
  EXPECT_EQ(
    plan_correction(holding(policy_case::missing_charge, 0), "").outcome,
    correction_outcome::nothing_to_book);
  EXPECT_EQ(plan_correction(holding(policy_case::fee_mismatch, 0), "").outcome,
            correction_outcome::nothing_to_book);
  // Nothing to move: naming an account is a mistake.
  EXPECT_EQ(plan_correction(holding(policy_case::missing_charge, 0),
                            "psp_receivable")
              .outcome,
            correction_outcome::account_not_allowed);
  EXPECT_TRUE(
    correction_targets(holding(policy_case::missing_charge, 0)).empty());
}

}  // namespace
}  // namespace pay::domain
