// What the chaos clients do with an order once it is SUCCESS and booked:
// fulfil it or not, and which refund story to play on it. Drawn from the
// round's seed and the order id alone, so a replayed seed plays the same
// stories on the same orders whatever the timing. Pure: no I/O.
#pragma once

#include <cstdint>
#include <string>

namespace pay::chaos {

// Explicit numbers: they appear in reports and docs/chaos.md.
enum class refund_story : std::uint8_t {
  none = 0,
  full = 1,     // no amount: everything that is left
  partial = 2,  // a third of the order
  // Two keys at the same moment, each for 60% of the order: exactly one
  // may be acknowledged, the other refused 400 amount_too_large.
  concurrent_over = 3,
  same_key_twice = 4,  // a partial, then the very same request again
  // A partial, then its key with another reason: refused idempotency_error.
  key_reused_other_reason = 5,
};

const char* to_string(refund_story story);

struct after_payin_step {
  bool fulfil = false;
  refund_story refund = refund_story::none;
};

after_payin_step plan_after_payin(const std::string& payment_order_id,
                                  std::uint64_t seed);

// What the chaos clients do with an order authorized for capture on
// fulfilment. Explicit numbers, as above.
enum class settle_story : std::uint8_t {
  fulfil_all = 0,   // capture everything authorized
  fulfil_part = 1,  // capture half, release the rest
  cancel = 2,       // void: nothing charged
  leave = 3,        // nobody decides: the engine voids it when the hold ends
};

const char* to_string(settle_story story);

settle_story plan_authorized(const std::string& payment_order_id,
                             std::uint64_t seed);

// Half the authorization rounded down to a step, at least one step.
std::int64_t partial_capture_minor(std::int64_t authorized_minor,
                                   std::int64_t step_minor = 1);

// Refund amounts in whole steps of `step_minor` (10 in three-decimal
// currencies, whose orders are whole steps too; else 1), as the PSP takes
// them. A third of the order rounded down, at least one step.
std::int64_t partial_refund_minor(std::int64_t order_minor,
                                  std::int64_t step_minor = 1);
// 60% of the order rounded up to a step: two of them always exceed the
// order, one never does.
std::int64_t over_half_refund_minor(std::int64_t order_minor,
                                    std::int64_t step_minor = 1);

}  // namespace pay::chaos
