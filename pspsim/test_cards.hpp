// Stripe's test payment-method tokens that the simulator understands, and
// what each one does: how the payment ends, how its refunds end, and what
// its charge shows of the card (brand, last four, the CVC and address
// checks, Radar's risk level).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
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

// One of a charge's payment_method_details.card.checks, Stripe's values.
enum class check_result : std::uint8_t {
  pass = 1,
  fail = 2,
  unavailable = 3,
  unchecked = 4,
};

std::string_view to_string(check_result result);

struct card_checks {
  check_result cvc = check_result::pass;
  check_result address_line1 = check_result::pass;
  check_result address_postal_code = check_result::pass;
};

// Radar's outcome.risk_level.
enum class risk_level : std::uint8_t {
  normal = 1,
  elevated = 2,  // pm_card_riskLevelElevated, 4000000000009235
  highest = 3,   // pm_card_riskLevelHighest, 4100000000000019
};

std::string_view to_string(risk_level level);

// What a charge shows of the card it was made with. Never the number.
struct card_profile {
  std::string brand = "visa";
  std::string last4 = "4242";
  card_checks checks;
  risk_level risk = risk_level::normal;
};

struct test_token {
  card_outcome outcome = card_outcome::succeeds;
  refund_behaviour refunds = refund_behaviour::normal;
  card_profile card;
};

// nullopt for a token the simulator does not know.
std::optional<test_token> find_test_token(std::string_view payment_method);

struct card_decline {
  std::string_view code;          // Stripe's error code: card_declined, ...
  std::string_view decline_code;  // Stripe's decline_code
  std::string_view message;       // Stripe's customer-facing message
};

// The decline an outcome produces; nullopt for outcomes that are not declines.
std::optional<card_decline> decline_of(card_outcome outcome);

}  // namespace pay::pspsim
