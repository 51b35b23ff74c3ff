#include "pspsim/test_cards.hpp"

#include <algorithm>
#include <iterator>

namespace pay::pspsim {
namespace {

struct token_entry {
  std::string_view name;
  card_outcome outcome;
  refund_behaviour refunds;
  std::string_view brand;
  std::string_view last4;  // of the Stripe test number behind the token
  card_checks checks;
  risk_level risk;
};

constexpr auto fail = check_result::fail;
constexpr auto pass = check_result::pass;
constexpr auto unavailable = check_result::unavailable;
// cvc, address_line1, address_postal_code.
constexpr card_checks all_pass{};
constexpr card_checks cvc_fails{fail, pass, pass};
constexpr card_checks line1_fails{pass, fail, pass};
constexpr card_checks zip_fails{pass, pass, fail};
constexpr card_checks address_fails{pass, fail, fail};
constexpr card_checks address_unavailable{pass, unavailable, unavailable};
constexpr auto normal = risk_level::normal;
constexpr auto ok = refund_behaviour::normal;
constexpr auto pays = card_outcome::succeeds;

// Stripe's token names (docs.stripe.com/testing). The check and risk
// tokens all authorize: pspsim leaves blocking to the engine's own rules,
// so that they can be exercised (Stripe's Radar would block
// pm_card_riskLevelHighest).
constexpr token_entry tokens[] = {
  {"pm_card_visa", pays, ok, "visa", "4242", all_pass, normal},
  {"pm_card_mastercard", pays, ok, "mastercard", "4444", all_pass, normal},
  {"pm_card_chargeDeclined", card_outcome::declined_generic, ok, "visa", "0002",
   all_pass, normal},
  {"pm_card_chargeDeclinedInsufficientFunds",
   card_outcome::declined_insufficient_funds, ok, "visa", "9995", all_pass,
   normal},
  {"pm_card_processing", card_outcome::processing, ok, "visa", "4242", all_pass,
   normal},
  {"pm_card_threeDSecureRequired", card_outcome::three_ds_required, ok, "visa",
   "3184", all_pass, normal},
  {"pm_card_review", card_outcome::review, ok, "visa", "4242", all_pass,
   normal},
  {"pm_card_pendingRefund", pays, refund_behaviour::pending_then_succeeds,
   "visa", "7726", all_pass, normal},
  {"pm_card_refundFail", pays, refund_behaviour::fails_later, "visa", "5126",
   all_pass, normal},
  {"pm_card_cvcCheckFail", pays, ok, "visa", "0101", cvc_fails, normal},
  {"pm_card_avsLine1Fail", pays, ok, "visa", "0028", line1_fails, normal},
  {"pm_card_avsZipFail", pays, ok, "visa", "0036", zip_fails, normal},
  {"pm_card_avsFail", pays, ok, "visa", "0010", address_fails, normal},
  {"pm_card_avsUnchecked", pays, ok, "visa", "0044", address_unavailable,
   normal},
  {"pm_card_riskLevelElevated", pays, ok, "visa", "9235", all_pass,
   risk_level::elevated},
  {"pm_card_riskLevelHighest", pays, ok, "visa", "0019", all_pass,
   risk_level::highest},
};

}  // namespace

std::string_view to_string(check_result result) {
  switch (result) {
    case check_result::pass:
      return "pass";
    case check_result::fail:
      return "fail";
    case check_result::unavailable:
      return "unavailable";
    case check_result::unchecked:
      return "unchecked";
  }
  return "unchecked";
}

std::string_view to_string(risk_level level) {
  switch (level) {
    case risk_level::normal:
      return "normal";
    case risk_level::elevated:
      return "elevated";
    case risk_level::highest:
      return "highest";
  }
  return "normal";
}

std::optional<test_token> find_test_token(std::string_view payment_method) {
  const auto* it = std::find_if(std::begin(tokens), std::end(tokens),
                                [&](const token_entry& t) {
                                  return t.name == payment_method;
                                });
  if (it == std::end(tokens)) return std::nullopt;
  test_token out;
  out.outcome = it->outcome;
  out.refunds = it->refunds;
  out.card = card_profile{std::string(it->brand), std::string(it->last4),
                          it->checks, it->risk};
  return out;
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
