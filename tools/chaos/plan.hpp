// The workload of one chaos round, decided entirely by its seed before any
// request is sent: which checkouts, which cards, which duplicates. Replaying
// a seed replays the same workload (the moments of the kills still depend on
// timing).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "testkit/api.hpp"

namespace pay::chaos {

// How a checkout is sent besides its first request. Explicit numbers: they
// appear in logs and the docs.
enum class duplicate_kind : std::uint8_t {
  none = 0,
  // The same body and key again, after the first answer.
  same_key_sequential = 1,
  // The same body and key from two clients at the same moment.
  same_key_concurrent = 2,
  // The same body without any key from two clients at the same moment: the
  // checkout_id alone must deduplicate.
  no_key_concurrent = 3,
  // The same body under a second, different key, after the first answer.
  other_key_sequential = 4,
  // After the first answer, the same key with a whole other checkout: must
  // be refused (400 idempotency_error) and store nothing.
  key_reused_other_checkout = 5,
  // After the first answer, the same key and checkout_id with one amount
  // changed: must be refused (400 idempotency_error) and change nothing.
  key_reused_changed_amount = 6,
};

const char* to_string(duplicate_kind kind);

struct planned_checkout {
  it::checkout_spec spec;
  std::string idempotency_key;  // empty: sent without the header
  std::uint32_t wait_s = 0;     // Prefer: wait=N; 0 sends no Prefer header
  duplicate_kind duplicate = duplicate_kind::none;
  // The refused body of the key_reused_* kinds; empty otherwise.
  it::checkout_spec refused;
};

struct plan_options {
  std::uint32_t round = 0;
  std::uint32_t checkouts = 300;
  std::uint32_t orders_per_checkout = 3;
  // Off when paymentd does not take Idempotency-Key: the key_reused_* kinds
  // are then not planned (they would be stored as new checkouts).
  bool idempotency_keys = true;
};

// What the PSP takes in a currency, as Stripe does and pspsim enforces it
// (pspsim/stripe_amounts.hpp): at least `minimum_minor` for a charge (USD
// 0.50, GBP 0.30, JPY 50, ...), and three-decimal currencies (BHD) only in
// steps of 10 minor units, charges and refunds alike. Anything else is
// refused (paymentd: 400 amount_invalid, or the order declined
// amount_too_small).
struct amount_rule {
  std::int64_t minimum_minor = 1;
  std::int64_t step_minor = 1;
};
amount_rule amount_rule_for(std::string_view currency);
// `minor` rounded down to the currency's step, never below its minimum.
std::int64_t chargeable_minor(std::int64_t minor, std::string_view currency);

// Sellers the orders are spread over; a checkout's orders go to different
// sellers while there are at least as many sellers as orders.
inline constexpr std::uint32_t sellers_count = 12;

std::vector<planned_checkout> make_plan(const plan_options& options,
                                        std::uint64_t seed);

}  // namespace pay::chaos
