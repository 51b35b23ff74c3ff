#pragma once
// What a verified PSP webhook did: the pay-in service and the pay-out store
// both answer it, and the gateway maps it to the HTTP answer.

#include <cstdint>

namespace pay {

enum class webhook_outcome : std::uint8_t {
  applied = 0,    // first delivery: the order asks the PSP now
  duplicate = 1,  // seen before: nothing to do
  ignored = 2,    // not about an order we know
};

}  // namespace pay
