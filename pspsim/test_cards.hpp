// Stripe's test payment-method tokens that the simulator understands, and
// what each one does.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace pay::pspsim {

enum class card_outcome : std::uint8_t {
  succeeds = 1,                     // pm_card_visa, pm_card_mastercard
  declined_generic = 2,             // pm_card_chargeDeclined
  declined_insufficient_funds = 3,  // pm_card_chargeDeclinedInsufficientFunds
  processing = 4,                   // pm_card_processing: succeeds later
  three_ds_required = 5,            // pm_card_threeDSecureRequired
  review = 6,                       // pm_card_review: processing, then review
};

// nullopt for a token the simulator does not know.
std::optional<card_outcome> test_card_outcome(std::string_view payment_method);

struct card_decline {
  std::string_view decline_code;  // Stripe's decline_code
  std::string_view message;       // Stripe's customer-facing message
};

// The decline an outcome produces; nullopt for outcomes that are not declines.
std::optional<card_decline> decline_of(card_outcome outcome);

}  // namespace pay::pspsim
