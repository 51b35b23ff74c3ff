// The trial balance assembled from the ledger's sums: accounts grouped by
// currency and name, balances and totals (zero for a balanced ledger), and
// its JSON and CSV answers.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "domain/ledger/trial_balance.hpp"
#include "gateway/reconcile/trial_balance_render.hpp"

namespace pay {
namespace {

std::vector<account_sums> balanced_sums() {
  return {{"seller_payable:alice", "USD", 0, 1234},
          {"bank", "USD", 1175, 0},
          {"psp_receivable", "JPY", 500, 500},
          {"psp_receivable", "USD", 1234, 1234},
          {"psp_fees", "USD", 59, 0},
          {"seller_payable:alice", "JPY", 0, 500},
          {"bank", "JPY", 500, 0}};
}

TEST(trial_balance, accounts_are_grouped_by_currency_and_sorted_by_name) {
  auto tb = domain::build_trial_balance(balanced_sums());
  ASSERT_EQ(tb.size(), 2u);
  EXPECT_EQ(tb[0].currency, "JPY");
  EXPECT_EQ(tb[1].currency, "USD");
  std::vector<std::string> usd;
  for (const auto& row : tb[1].accounts) usd.push_back(row.account);
  EXPECT_EQ(usd, (std::vector<std::string>{"bank", "psp_fees", "psp_receivable",
                                           "seller_payable:alice"}));
}

TEST(trial_balance, balances_are_debits_less_credits_and_each_total_is_zero) {
  auto tb = domain::build_trial_balance(balanced_sums());
  for (const auto& c : tb) {
    EXPECT_EQ(c.total_minor, 0) << c.currency;
    EXPECT_EQ(c.debit_total_minor, c.credit_total_minor) << c.currency;
  }
  const auto& usd = tb[1];
  EXPECT_EQ(usd.accounts[3].balance_minor, -1234);
  EXPECT_EQ(usd.debit_total_minor, 1175 + 59 + 1234);
}

TEST(trial_balance, an_unbalanced_ledger_shows_its_difference) {
  auto tb = domain::build_trial_balance({{"bank", "EUR", 100, 0}});
  ASSERT_EQ(tb.size(), 1u);
  EXPECT_EQ(tb[0].total_minor, 100);
}

trial_balance sample() {
  trial_balance tb;
  tb.as_of = "2026-12-05T10:00:00.000000Z";
  tb.currencies = domain::build_trial_balance(
    {{"bank", "USD", 1234, 0},
     {"seller_payable:shop,with\"comma", "USD", 0, 1234}});
  tb.memo = {{domain::authorizations_held_memo, "USD", 500, 1}};
  return tb;
}

TEST(trial_balance, json_shows_decimal_strings_and_minor_units) {
  auto v = boost::json::parse(gateway::render_trial_balance_json(sample()));
  EXPECT_EQ(v.at("as_of").as_string(), "2026-12-05T10:00:00.000000Z");
  const auto& usd = v.at("currencies").at(0);
  EXPECT_EQ(usd.at("currency").as_string(), "USD");
  EXPECT_EQ(usd.at("total").as_string(), "0.00");
  EXPECT_EQ(usd.at("total_minor").as_int64(), 0);
  const auto& bank = usd.at("accounts").at(0);
  EXPECT_EQ(bank.at("account").as_string(), "bank");
  EXPECT_EQ(bank.at("debit").as_string(), "12.34");
  EXPECT_EQ(bank.at("credit").as_string(), "0.00");
  EXPECT_EQ(bank.at("balance").as_string(), "12.34");
  EXPECT_EQ(bank.at("balance_minor").as_int64(), 1234);
  EXPECT_EQ(usd.at("accounts").at(1).at("balance").as_string(), "-12.34");
  const auto& memo = v.at("memo").at(0);
  EXPECT_EQ(memo.at("name").as_string(), "authorizations_held");
  EXPECT_EQ(memo.at("amount").as_string(), "5.00");
  EXPECT_EQ(memo.at("amount_minor").as_int64(), 500);
  EXPECT_EQ(memo.at("orders").as_int64(), 1);
}

TEST(trial_balance, csv_has_a_line_per_account_and_a_total_per_currency) {
  EXPECT_EQ(gateway::render_trial_balance_csv(sample()),
            "currency,account,debit,credit,balance\r\n"
            "USD,bank,12.34,0.00,12.34\r\n"
            "USD,\"seller_payable:shop,with\"\"comma\",0.00,12.34,-12.34\r\n"
            "USD,TOTAL,12.34,12.34,0.00\r\n");
}

}  // namespace
}  // namespace pay
