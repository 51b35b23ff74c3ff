#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "domain/ledger_postings.hpp"

namespace {

using pay::domain::is_balanced;
using pay::domain::payin_postings;
using pay::domain::posting;
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
  EXPECT_FALSE(is_balanced({{"a", "USD", max}, {"b", "USD", max},
                            {"c", "USD", 2}}));
}

}  // namespace
