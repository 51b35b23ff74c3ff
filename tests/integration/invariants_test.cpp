// The invariant check run after every test is itself a test: planted
// violations must be reported, or every green run would prove nothing.
#include <gtest/gtest-spi.h>

#include "testkit/db.hpp"
#include "tests/integration/fixture.hpp"

namespace pay::it {
namespace {

// Removes the planted rows however the test ends.
class planted_rows {
 public:
  planted_rows(std::string url, std::string cleanup_sql)
      : url_(std::move(url)), cleanup_sql_(std::move(cleanup_sql)) {}
  ~planted_rows() {
    try {
      exec_sql(url_, cleanup_sql_);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "cannot remove planted rows: " << e.what();
    }
  }

 private:
  std::string url_;
  std::string cleanup_sql_;
};

TEST_F(integration, invariant_check_reports_planted_violations) {
  const auto wallet_seller = unique("seller_planted_wallet");
  const auto credit_seller = unique("seller_planted_credit");
  const auto checkout_id = unique("co_planted");
  const auto order_id = unique("ord_planted");
  const planted_rows cleanup{
      database_url(),
      "DELETE FROM wallet_credit WHERE payment_order_id = '" + order_id + "';"
      "DELETE FROM payment_order WHERE payment_order_id = '" + order_id + "';"
      "DELETE FROM payment_event WHERE checkout_id = '" + checkout_id + "';"
      "DELETE FROM wallet WHERE seller_account = '" + wallet_seller + "';"};
  // A balance nothing explains, and a FAILED order that was credited anyway.
  exec_sql(database_url(),
           "INSERT INTO wallet (seller_account, currency, balance_minor)"
           " VALUES ('" + wallet_seller + "', 'USD', 500);"
           "INSERT INTO payment_event (checkout_id, buyer_info, psp_token,"
           " request_hash) VALUES ('" + checkout_id + "', '{}', 'pm_card_visa',"
           " repeat('0', 64));"
           "INSERT INTO payment_order (payment_order_id, checkout_id, line_no,"
           " seller_account, amount_minor, currency, status, failure_code)"
           " VALUES ('" + order_id + "', '" + checkout_id + "', 0, '"
           + credit_seller + "', 700, 'EUR', 'FAILED', 'generic_decline');"
           "INSERT INTO wallet_credit (payment_order_id, seller_account,"
           " currency, amount_minor) VALUES ('" + order_id + "', '"
           + credit_seller + "', 'EUR', 700);");

  ::testing::TestPartResultArray reported;
  {
    const ::testing::ScopedFakeTestPartResultReporter intercept{
      ::testing::ScopedFakeTestPartResultReporter::
        INTERCEPT_ONLY_CURRENT_THREAD,
      &reported};
    expect_invariants(database_url(), sim(), 1'000);
  }
  std::string messages;
  for (int i = 0; i < reported.size(); ++i)
    messages += reported.GetTestPartResult(i).message() + std::string{"\n"};
  for (const char* expected :
       {"wallets whose balance is not minus their seller_payable entries",
        "wallets whose balance is not credits - refunds - pay-outs",
        "wallet credits without a wallet row",
        "non-SUCCESS orders with a wallet credit or ledger transaction",
        "flags that disagree with the credit and ledger rows"}) {
    EXPECT_NE(messages.find(expected), std::string::npos)
      << "not reported: " << expected << "\nreported:\n"
      << messages;
  }
  EXPECT_NE(messages.find(wallet_seller), std::string::npos) << messages;
  EXPECT_NE(messages.find(order_id), std::string::npos) << messages;
  // Nothing else was wrong: exactly the planted violations were reported.
  EXPECT_EQ(reported.size(), 5) << messages;
}

}  // namespace
}  // namespace pay::it
