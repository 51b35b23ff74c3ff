#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <map>
#include <string>

#include "domain/ledger/ledger_postings.hpp"

namespace {

using pay::domain::is_balanced;
using pay::domain::payin_postings;
using pay::domain::payout_failed_postings;
using pay::domain::payout_paid_postings;
using pay::domain::payout_sent_postings;
using pay::domain::posting;
using pay::domain::refund_postings;
using pay::domain::seller_account;

TEST(ledger_postings_test, payin_debits_psp_receivable_and_credits_the_seller) {
  auto lines = payin_postings(seller_account{"alice"}, "USD", 1234);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].account, "psp_receivable");
  EXPECT_EQ(lines[0].amount_minor, 1234);
  EXPECT_EQ(lines[1].account, "seller_payable:alice");
  EXPECT_EQ(lines[1].amount_minor, -1234);
  EXPECT_TRUE(is_balanced(lines));
}

TEST(ledger_postings_test, unbalanced_lines_are_refused) {
  EXPECT_FALSE(is_balanced({{"a", "USD", 100}, {"b", "USD", -99}}));
}

TEST(ledger_postings_test, balance_is_per_currency_not_across_currencies) {
  EXPECT_FALSE(is_balanced({{"a", "USD", 100}, {"b", "EUR", -100}}));
  EXPECT_TRUE(is_balanced({{"a", "USD", 100},
                           {"b", "USD", -100},
                           {"a", "EUR", 5},
                           {"c", "EUR", -5}}));
}

TEST(ledger_postings_test, empty_or_zero_lines_are_refused) {
  EXPECT_FALSE(is_balanced({}));
  EXPECT_FALSE(is_balanced({{"a", "USD", 0}, {"b", "USD", 0}}));
}

TEST(ledger_postings_test, overflowing_sums_are_refused_not_wrapped) {
  constexpr auto max = std::numeric_limits<std::int64_t>::max();
  EXPECT_FALSE(
    is_balanced({{"a", "USD", max}, {"b", "USD", max}, {"c", "USD", 2}}));
}

}  // namespace

TEST(ledger_postings_test, a_payout_sent_then_paid_leaves_only_the_bank_side) {
  seller_account s{"acct_1"};
  auto sent = payout_sent_postings(s, "USD", 700);
  auto paid = payout_paid_postings("USD", 700);
  EXPECT_TRUE(is_balanced(sent));
  EXPECT_TRUE(is_balanced(paid));
  std::map<std::string, std::int64_t> sum;
  for (const auto& p : sent) sum[p.account] += p.amount_minor;
  for (const auto& p : paid) sum[p.account] += p.amount_minor;
  EXPECT_EQ(sum["seller_payable:acct_1"], 700);
  EXPECT_EQ(sum["payouts_in_transit"], 0);
  EXPECT_EQ(sum["bank"], -700);
}

TEST(ledger_postings_test, a_failed_payout_returns_the_money_to_the_seller) {
  seller_account s{"acct_1"};
  std::map<std::string, std::int64_t> sum;
  for (const auto& p : payout_sent_postings(s, "EUR", 250))
    sum[p.account] += p.amount_minor;
  for (const auto& p : payout_failed_postings(s, "EUR", 250))
    sum[p.account] += p.amount_minor;
  EXPECT_EQ(sum["seller_payable:acct_1"], 0);
  EXPECT_EQ(sum["payouts_in_transit"], 0);
}

TEST(ledger_postings_test,
     a_refund_reverses_the_sellers_credit_against_the_psp) {
  seller_account s{"acct_1"};
  auto refund = refund_postings(s, "USD", 300);
  EXPECT_TRUE(is_balanced(refund));
  std::map<std::string, std::int64_t> sum;
  for (const auto& p : payin_postings(s, "USD", 1000))
    sum[p.account] += p.amount_minor;
  for (const auto& p : refund) sum[p.account] += p.amount_minor;
  EXPECT_EQ(sum["seller_payable:acct_1"], -700);
  EXPECT_EQ(sum["psp_receivable"], 700);
}

TEST(ledger_postings_death_test, a_movement_of_nothing_is_a_bug_and_stops) {
  EXPECT_DEATH(payin_postings(seller_account{"alice"}, "USD", 0),
               "invariant violated");
  EXPECT_DEATH(refund_postings(seller_account{""}, "USD", 5),
               "invariant violated");
}
