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
  // pm_card_threeDSecureRequired with error_on_requires_action=true: Stripe
  // declines at once instead of asking for an action nobody can take.
  declined_authentication_required = 7,
};

// What happens to the refunds of a charge made with the card (Stripe's
// refund test cards; both charges succeed like pm_card_visa).
enum class refund_behaviour : std::uint8_t {
  normal = 1,  // succeeds at once (or after --refund-pending-ms)
  // pm_card_pendingRefund, 4000000000007726: pending, then succeeded.
  pending_then_succeeds = 2,
  // pm_card_refundFail, 4000000000005126: answered succeeded, then fails
  // (failure_reason expired_or_canceled_card), as Stripe's does.
  fails_later = 3,
};

// nullopt for a token the simulator does not know.
std::optional<card_outcome> test_card_outcome(std::string_view payment_method);

// For a token test_card_outcome knows; normal for any other.
refund_behaviour refund_behaviour_of(std::string_view payment_method);

struct card_decline {
  std::string_view code;          // Stripe's error code: card_declined, ...
  std::string_view decline_code;  // Stripe's decline_code
  std::string_view message;       // Stripe's customer-facing message
};

// The decline an outcome produces; nullopt for outcomes that are not declines.
std::optional<card_decline> decline_of(card_outcome outcome);

}  // namespace pay::pspsim
