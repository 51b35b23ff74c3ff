#pragma once
// Risk rules checked before any charge, and their evaluation: a pure function
// of the configured rules and the checkout's facts, so every rule's allow,
// review and block path is tested without actors or a database.
//
// Each rule fires on its own condition and asks for a verdict; the
// checkout's verdict is the strongest one asked (block > review > allow) and
// every rule that fired is listed, so an operator sees all the reasons, not
// just the first.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "domain/risk/risk_facts.hpp"

namespace pay::domain {

// Numbered by severity (the decision takes the maximum); the numbers and
// names are stored and returned by the API: never renumber.
enum class risk_verdict : std::uint8_t {
  allow = 0,
  review = 1,  // held until an operator approves or rejects
  block = 2,   // failed with risk_blocked, no PSP call
};

// "allow", "review", "block".
std::string_view to_string(risk_verdict verdict);
// The inverse of to_string (exact, lowercase); nullopt for anything else.
std::optional<risk_verdict> parse_risk_verdict(std::string_view text);

// Stable numbers and names (stored, returned by the API): never renumber.
enum class risk_rule : std::uint8_t {
  max_amount = 0,     // an order above the block amount
  review_amount = 1,  // an order above the review amount
  velocity = 2,       // too many checkouts by the buyer in the window
  blocked_account = 3,
  blocked_email_domain = 4,
  review_email_domain = 5,
  blocked_country = 6,
  review_country = 7,
};

// "max_amount", "review_amount", "velocity", ...
std::string_view to_string(risk_rule rule);

// The configured rules. A default-constructed value allows everything: every
// map and set is empty and both velocity counts are 0.
struct risk_rules {
  // Currency code -> largest amount of one order, in that currency's minor
  // units; an order above it fires max_amount (block) or review_amount
  // (review). Currencies not listed have no limit. Values are positive.
  std::map<std::string, std::int64_t> block_amount_minor;
  std::map<std::string, std::int64_t> review_amount_minor;
  // The caller counts the buyer's checkouts over the last velocity_window_s
  // seconds (this one included); at or above a count the rule fires. 0
  // disables that threshold.
  std::uint32_t velocity_window_s = 3600;
  std::uint32_t velocity_review_count = 0;
  std::uint32_t velocity_block_count = 0;
  std::set<std::string> blocked_accounts;       // exact account ids
  std::set<std::string> blocked_email_domains;  // lowercase; subdomains too
  std::set<std::string> review_email_domains;   // lowercase; subdomains too
  std::set<std::string> blocked_countries;      // ISO 3166-1 alpha-2, "KP"
  std::set<std::string> review_countries;       // ISO 3166-1 alpha-2
};

struct fired_rule {
  risk_rule rule = risk_rule::max_amount;
  risk_verdict verdict = risk_verdict::allow;  // what this rule asks for
  std::string detail;  // one human sentence for operators and the API
};

struct risk_decision {
  risk_verdict verdict = risk_verdict::allow;
  // In a fixed order: by rule (the order of risk_rule), then by payment
  // order index for the amount rules. Empty exactly when verdict is allow.
  std::vector<fired_rule> rules;
};

risk_decision evaluate_risk(const risk_rules& rules, const risk_facts& facts);

// False when no rule is configured: every checkout is then allowed without
// reading anything, and the decision can be stored with the checkout.
bool has_any_rule(const risk_rules& rules);

// Compact JSON for persisting and for the API:
// {"verdict":"review","rules":[{"rule":"velocity","verdict":"review",
//  "detail":"..."}]}
std::string risk_decision_json(const risk_decision& decision);

}  // namespace pay::domain
