// The card form of the hosted payment page, validated on the server (the
// page checks Luhn too, but a browser is not to be trusted): parsed into
// brand, last four digits and the test outcome, or a message for the buyer.
// The number itself never leaves this function.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "pspsim/test_cards.hpp"

namespace pay::pspsim {

constexpr std::size_t card_digits_min = 13;
constexpr std::size_t card_digits_max = 19;
constexpr std::size_t card_field_chars_max = 64;
constexpr std::size_t cardholder_name_chars_max = 100;

struct card_form {
  std::string_view number;  // digits, spaces allowed
  std::string_view expiry;  // "MM/YY" (spaces around '/' allowed)
  std::string_view cvc;
  std::string_view name;
};

struct accepted_card {
  std::string brand;  // "visa", "mastercard", "amex", "card"
  std::string last4;
  card_outcome outcome = card_outcome::succeeds;
  refund_behaviour refunds = refund_behaviour::normal;
  card_checks checks;
  risk_level risk = risk_level::normal;
};

struct card_check {
  std::optional<accepted_card> card;  // set exactly when error is empty
  std::string error;                  // shown to the buyer
  std::string field;                  // "card-number", "card-expiry", ...
};

bool luhn_valid(std::string_view digits);

// now_year is four digits, now_month 1..12: a card is valid through the
// end of its expiry month.
card_check check_card(const card_form& form, int now_year, int now_month);

// Stripe's hosted test numbers: 4000000000000002 generic decline,
// 4000000000009995 insufficient funds, 4000002760003184 3-D Secure; any
// other Luhn-valid number succeeds.
card_outcome hosted_card_outcome(std::string_view digits);
// 4000000000007726 refunds stay pending, 4000000000005126 refunds fail later.
refund_behaviour hosted_card_refund_behaviour(std::string_view digits);
// Stripe's check test numbers: 4000000000000101 CVC fails,
// 4000000000000028 address line 1 fails, 4000000000000036 postal code
// fails, 4000000000000010 both fail, 4000000000000044 both unavailable;
// every other number passes all three.
card_checks hosted_card_checks(std::string_view digits);
// 4000000000009235 elevated, 4100000000000019 highest; others normal. All
// of them pay (the engine's own rule decides what to do with the risk).
risk_level hosted_card_risk(std::string_view digits);

}  // namespace pay::pspsim
