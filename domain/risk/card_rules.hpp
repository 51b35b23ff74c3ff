#pragma once
// Rules that act on what the card network and the PSP's fraud scoring said
// about an authorized charge (Stripe Radar's outcome): the card checks and
// the risk level and score. They run after authorization and before any
// capture, so "void" means the buyer is never charged. A pure function of
// the configured rules and the PSP's answer.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pay::domain {

// As the PSP reported them; empty when it said nothing (a hosted page, an
// older API version). Check values: pass, fail, unavailable, unchecked.
struct card_checks {
  std::string cvc_check;
  std::string address_line1_check;
  std::string address_postal_code_check;
  std::string risk_level;        // normal, elevated, highest
  std::int32_t risk_score = -1;  // 0..99; -1 when not reported

  bool reported() const {
    return !cvc_check.empty() || !address_line1_check.empty()
           || !address_postal_code_check.empty() || !risk_level.empty()
           || risk_score >= 0;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, card_checks& x) {
  return f(x.cvc_check, x.address_line1_check, x.address_postal_code_check,
           x.risk_level, x.risk_score);
}

// Numbered by severity: the decision is the strongest action asked for.
enum class card_action : std::uint8_t {
  capture = 0,  // nothing fired: the authorization may be captured
  review = 1,   // hold it (authorization kept) until an operator decides
  void_authorization = 2,  // release it: never captured
};

// "capture", "review", "void".
std::string_view to_string(card_action action);

enum class card_condition : std::uint8_t {
  risk_level_highest = 0,
  risk_level_elevated = 1,
  cvc_check_fail = 2,
  address_line1_check_fail = 3,
  address_postal_code_check_fail = 4,
  risk_score_at_least = 5,  // risk_score >= threshold
};

struct card_rule {
  card_condition condition = card_condition::risk_level_highest;
  std::int32_t threshold = 0;  // risk_score_at_least only
  card_action action = card_action::review;
};

// The rule's name as configured and stored: "risk_level_highest",
// "cvc_check_fail", "risk_score_at_least_80", ...
std::string rule_name(const card_rule& rule);

// The default, a marketplace's usual stance: highest risk is voided, an
// elevated risk or a failed CVC check is held for review.
std::vector<card_rule> default_card_rules();

// "risk_level_highest:void, cvc_check_fail:review, risk_score_at_least_80:
// review": comma-separated name:action pairs, each trimmed; empty is none.
// On error returns nullopt and says why in `error`.
std::optional<std::vector<card_rule>> parse_card_rules(std::string_view text,
                                                       std::string& error);

struct card_decision {
  card_action action = card_action::capture;
  std::vector<std::string> fired;  // rule names, in configured order
};

card_decision decide_card(const std::vector<card_rule>& rules,
                          const card_checks& checks);

// Whether any rule can hold or void an authorization. Only then must a card
// charge be authorized first and captured by a call of its own: with rules
// that can only capture (or none), the charge is captured at once, one PSP
// call instead of two.
bool card_rules_may_hold(const std::vector<card_rule>& rules);

// What is stored with the order and shown by the API:
// {"checks":{"cvc_check":"pass",...},"risk_level":"normal","risk_score":20,
//  "decision":{"action":"capture","rules":[]}}. Empty when nothing was
// reported.
std::string card_assessment_json(const card_checks& checks,
                                 const card_decision& decision);

}  // namespace pay::domain
