#include "pspsim/charge_outcome.hpp"

#include <cstdint>

#include "pspsim/check.hpp"

namespace pay::pspsim {
namespace {

constexpr std::uint64_t fnv_offset = 14'695'981'039'346'656'037ULL;
constexpr std::uint64_t fnv_prime = 1'099'511'628'211ULL;

std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t hash = fnv_offset;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= fnv_prime;
  }
  return hash;
}

std::optional<std::string> risk_reason(risk_level level) {
  switch (level) {
    case risk_level::elevated:
      return "elevated_risk_level";
    case risk_level::highest:
      return "highest_risk_level";
    case risk_level::normal:
      break;
  }
  return std::nullopt;
}

}  // namespace

int risk_score_of(std::string_view intent_id, risk_level level) {
  switch (level) {
    case risk_level::elevated:
      return risk_score_elevated;
    case risk_level::highest:
      return risk_score_highest;
    case risk_level::normal:
      break;
  }
  constexpr std::uint64_t span =
    static_cast<std::uint64_t>(risk_score_normal_max)
    - static_cast<std::uint64_t>(risk_score_normal_min) + 1;
  return risk_score_normal_min + static_cast<int>(fnv1a(intent_id) % span);
}

charge_outcome outcome_of(const payment_intent& intent) {
  PSPSIM_CHECK(!intent.latest_charge.empty());
  charge_outcome out;
  out.risk = intent.card.risk;
  out.risk_score = risk_score_of(intent.id, intent.card.risk);
  if (!intent.charge_paid) {
    // Only issuer declines make a failed charge (an authentication that
    // failed never reached the card network).
    PSPSIM_CHECK(intent.last_payment_error.has_value());
    const payment_error& error = *intent.last_payment_error;
    const std::string& code = error.decline_code.empty() ? error.code
                                                         : error.decline_code;
    out.network_status = "declined_by_network";
    out.reason = code;
    out.type = "issuer_declined";
    out.seller_message = code == "generic_decline"
                           ? "The bank did not return any further details "
                             "with this decline."
                           : "The bank returned the decline code `" + code
                               + "`.";
    return out;
  }
  out.network_status = "approved_by_network";
  if (!intent.review_note.empty()) {
    // pm_card_review: a rule placed it in review; it was approved since.
    out.reason = "rule";
    out.type = "manual_review";
    out.seller_message = "Payment was placed in review by a rule.";
    return out;
  }
  out.reason = risk_reason(intent.card.risk);
  out.type = "authorized";
  out.seller_message = "Payment complete.";
  return out;
}

}  // namespace pay::pspsim
