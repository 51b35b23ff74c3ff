// The whole money cycle for one seller, as docs/money_cycle.md walks it:
// pay-in, fulfil, settle (reconcile the PSP's file), pay out, refund after
// the pay-out (the seller's available balance goes negative and is repaid
// by the next pay-in), pay out again (each pay-out a transfer to the
// seller's connected account, then a pay-out on it), and reconcile the day
// once more with the refund and the transfers. Every cent is then where the
// ledger says.

#include <gtest/gtest.h>

#include "tests/money/money_fixture.hpp"

namespace pay::it {
namespace {

class money_cycle : public money_test {
 protected:
  void SetUp() override {
    ASSERT_EQ(stack().reset(), "");
    money_test::SetUp();
  }

  std::int64_t account_sum(const std::string& account) {
    return number(
      "SELECT coalesce(sum(amount_minor), 0) FROM ledger_entry"
      " WHERE currency = 'USD' AND account = '"
      + account + "'");
  }

  std::string paid(const std::string& payout_id) {
    return string_at(wait_for(payout_id, "PAID"), {"status"});
  }
};

TEST_F(money_cycle, pay_in_fulfil_settle_pay_out_refund_and_reconcile_again) {
  const auto seller = unique("seller_cycle");
  auto shoes = pay_in(seller, "100.00", "shoes");
  auto hat = pay_in(seller, "50.00", "hat");
  EXPECT_EQ(wallet(seller), (split{"150.00", "0.00", "0.00", "0.00"}));

  // Only the shoes were delivered; the day's file confirms both pay-ins.
  ASSERT_EQ(fulfill(shoes).res.result_int(), 200u);
  auto first = reconcile(today_utc());
  EXPECT_EQ(first.at("report").at("matched").as_int64(), 2);
  EXPECT_EQ(first.at("report").at("escalated").as_int64(), 0);

  auto run1 = payouts_for(run(), seller);
  ASSERT_EQ(run1.size(), 1u);
  EXPECT_EQ(string_at(run1[0], {"amount"}), "100.00");
  EXPECT_EQ(paid(string_at(run1[0], {"id"})), "PAID");
  EXPECT_EQ(wallet(seller), (split{"50.00", "0.00", "0.00", "100.00"}));

  // The buyer returns part of the shoes after the seller was paid: the
  // seller owes it back (documented policy: available goes negative).
  auto refund = api().post("/v1/refunds",
                           R"({"payment_order_id":")" + shoes
                             + R"(","amount":"30.00","reason":"returned"})",
                           "application/json",
                           {{"Idempotency-Key", unique("rk_cycle")},
                            {"Prefer", "wait=10"}});
  ASSERT_EQ(refund.res.result_int(), 201u) << refund.res.body();
  EXPECT_EQ(string_at(json_of(refund), {"status"}), "SUCCEEDED");
  EXPECT_EQ(wallet(seller), (split{"50.00", "-30.00", "0.00", "100.00"}));

  // The hat is delivered: its 50.00 first repays the 30.00.
  ASSERT_EQ(fulfill(hat).res.result_int(), 200u);
  auto run2 = payouts_for(run(), seller);
  ASSERT_EQ(run2.size(), 1u);
  EXPECT_EQ(string_at(run2[0], {"amount"}), "20.00");
  EXPECT_EQ(paid(string_at(run2[0], {"id"})), "PAID");
  EXPECT_EQ(wallet(seller), (split{"0.00", "0.00", "0.00", "120.00"}));

  // Today's settlement now also holds the refund and the two transfers to
  // the seller's connected account (the pay-outs themselves, and their
  // fees, are on that account's balance, not the platform's).
  auto second = reconcile(today_utc());
  const auto& report = second.at("report").as_object();
  EXPECT_EQ(report.at("lines").as_int64(), 2 + 1 + 2)
    << json::serialize(report);
  EXPECT_EQ(report.at("matched").as_int64(), 5) << json::serialize(report);
  EXPECT_EQ(report.at("new_exceptions").as_int64(), 0);
  EXPECT_EQ(number("SELECT count(*) FROM refund WHERE settled_on IS NOT NULL"),
            1);
  EXPECT_EQ(number("SELECT count(*) FROM payout WHERE settled_on IS NOT NULL"),
            2);

  // Where every cent is: the PSP owes us nothing for the day, the seller is
  // owed nothing, nothing is in transit, and the bank holds what came in
  // minus what went out (fees at the agreed rate).
  EXPECT_EQ(account_sum("psp_receivable"), 0);
  EXPECT_EQ(account_sum("seller_payable:" + seller), 0);
  EXPECT_EQ(account_sum("payouts_in_transit"), 0);
  EXPECT_EQ(account_sum("settlement_suspense"), 0);
  const std::int64_t fees = (10000 * 290 + 5000) / 10000 + 30
                            + (5000 * 290 + 5000) / 10000 + 30;
  EXPECT_EQ(account_sum("psp_fees"), fees);
  EXPECT_EQ(account_sum("bank"), 15000 - 3000 - 12000 - fees);
}

}  // namespace
}  // namespace pay::it
