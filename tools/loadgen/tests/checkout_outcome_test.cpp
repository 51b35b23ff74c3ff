#include "tools/loadgen/checkout_outcome.hpp"

#include <gtest/gtest.h>

namespace pay::loadgen {
namespace {

std::string order(const char* status, bool wallet, bool ledger,
                  bool dead_lettered = false) {
  return std::string{"{\"status\":\""} + status
         + "\",\"wallet_updated\":" + (wallet ? "true" : "false")
         + ",\"ledger_updated\":" + (ledger ? "true" : "false")
         + ",\"dead_lettered\":" + (dead_lettered ? "true" : "false") + "}";
}

std::string checkout(const std::string& orders) {
  return "{\"object\":\"checkout\",\"status\":\"x\",\"payment_orders\":["
         + orders + "]}";
}

TEST(CheckoutOutcome, BookedSuccessAndFailureAreSettled) {
  auto o = read_checkout_outcome(checkout(order("SUCCESS", true, true) + ","
                                          + order("FAILED", false, false)));
  EXPECT_TRUE(o.parsed);
  EXPECT_TRUE(o.settled);
  EXPECT_EQ(o.orders, 2u);
  EXPECT_EQ(o.orders_succeeded, 1u);
  EXPECT_EQ(o.orders_failed, 1u);
}

TEST(CheckoutOutcome, SuccessNotYetBookedIsNotSettled) {
  EXPECT_FALSE(
    read_checkout_outcome(checkout(order("SUCCESS", true, false))).settled);
  EXPECT_FALSE(
    read_checkout_outcome(checkout(order("EXECUTING", false, false))).settled);
  EXPECT_FALSE(
    read_checkout_outcome(checkout(order("NOT_STARTED", false, false)))
      .settled);
}

TEST(CheckoutOutcome, DeadLetteredOrderIsCountedAndNotSettled) {
  auto o = read_checkout_outcome(
    checkout(order("EXECUTING", false, false, true)));
  EXPECT_FALSE(o.settled);
  EXPECT_EQ(o.orders_dead_lettered, 1u);
}

TEST(CheckoutOutcome, AnythingButACheckoutIsNotParsed) {
  EXPECT_FALSE(read_checkout_outcome("").parsed);
  EXPECT_FALSE(read_checkout_outcome("{\"error\":{\"code\":\"x\"}}").parsed);
  EXPECT_FALSE(read_checkout_outcome(checkout("")).parsed);
  EXPECT_FALSE(read_checkout_outcome(checkout("{\"status\":1}")).parsed);
}

}  // namespace
}  // namespace pay::loadgen
