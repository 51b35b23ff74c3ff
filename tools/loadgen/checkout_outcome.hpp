// Reads a checkout object (docs/api.md#the-checkout-object) into what a load
// run counts: is it over, and how did its orders end.
#pragma once

#include <cstdint>
#include <string_view>

namespace pay::loadgen {

struct checkout_outcome {
  bool parsed = false;  // the body was a checkout object with orders
  // Every order is FAILED, or SUCCESS with wallet and ledger written: the
  // money has moved wherever it is going to move.
  bool settled = false;
  std::uint32_t orders = 0;
  std::uint32_t orders_succeeded = 0;  // SUCCESS and booked
  std::uint32_t orders_failed = 0;
  std::uint32_t orders_dead_lettered = 0;  // waiting for an operator
};

checkout_outcome read_checkout_outcome(std::string_view body);

}  // namespace pay::loadgen
