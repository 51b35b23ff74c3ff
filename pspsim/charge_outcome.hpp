// Stripe Radar's `outcome` of a charge: whether the card network approved
// it, why not, and the risk Radar saw. Derived from the intent alone (its
// card's profile, its decline, its review), so every rendering of one
// charge says the same.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "pspsim/intent.hpp"

namespace pay::pspsim {

// Stripe's risk_score range per level: normal 0..64, elevated 65..74,
// highest 75..99. pspsim's scores sit inside them.
constexpr int risk_score_normal_min = 12;
constexpr int risk_score_normal_max = 40;
constexpr int risk_score_elevated = 70;
constexpr int risk_score_highest = 90;

struct charge_outcome {
  std::string_view network_status;  // approved_by_network, declined_by_network
  std::optional<std::string> reason;  // null, or why (a decline code, ...)
  risk_level risk = risk_level::normal;
  int risk_score = risk_score_normal_min;
  std::string seller_message;
  std::string_view type;  // authorized, issuer_declined, manual_review
};

// A normal risk scores a number in [risk_score_normal_min,
// risk_score_normal_max] drawn from the intent id, so it is the same every
// time the intent is read; elevated and highest are fixed.
int risk_score_of(std::string_view intent_id, risk_level level);

// The outcome of the intent's latest charge (it must have one).
charge_outcome outcome_of(const payment_intent& intent);

}  // namespace pay::pspsim
