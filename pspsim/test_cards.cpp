#include "pspsim/test_cards.hpp"

namespace pay::pspsim {

std::optional<card_outcome> test_card_outcome(std::string_view payment_method) {
  if (payment_method == "pm_card_visa") return card_outcome::succeeds;
  if (payment_method == "pm_card_mastercard") return card_outcome::succeeds;
  if (payment_method == "pm_card_chargeDeclined") {
    return card_outcome::declined_generic;
  }
  if (payment_method == "pm_card_chargeDeclinedInsufficientFunds") {
    return card_outcome::declined_insufficient_funds;
  }
  if (payment_method == "pm_card_processing") return card_outcome::processing;
  if (payment_method == "pm_card_threeDSecureRequired") {
    return card_outcome::three_ds_required;
  }
  if (payment_method == "pm_card_review") return card_outcome::review;
  if (payment_method == "pm_card_pendingRefund"
      || payment_method == "pm_card_refundFail") {
    return card_outcome::succeeds;
  }
  return std::nullopt;
}

refund_behaviour refund_behaviour_of(std::string_view payment_method) {
  if (payment_method == "pm_card_pendingRefund") {
    return refund_behaviour::pending_then_succeeds;
  }
  if (payment_method == "pm_card_refundFail") {
    return refund_behaviour::fails_later;
  }
  return refund_behaviour::normal;
}

std::optional<card_decline> decline_of(card_outcome outcome) {
  switch (outcome) {
    case card_outcome::declined_generic:
      return card_decline{"card_declined", "generic_decline",
                          "Your card was declined."};
    case card_outcome::declined_insufficient_funds:
      return card_decline{"card_declined", "insufficient_funds",
                          "Your card has insufficient funds."};
    case card_outcome::declined_authentication_required:
      return card_decline{"authentication_required", "authentication_required",
                          "Your card was declined. This transaction requires "
                          "authentication."};
    case card_outcome::succeeds:
    case card_outcome::processing:
    case card_outcome::three_ds_required:
    case card_outcome::review:
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace pay::pspsim
