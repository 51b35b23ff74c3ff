#include "domain/risk/card_rules.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include <boost/json.hpp>

namespace pay::domain {

namespace {

namespace json = boost::json;

constexpr std::string_view score_prefix = "risk_score_at_least_";

struct named_condition {
  std::string_view name;
  card_condition condition;
};

constexpr std::array<named_condition, 5> named_conditions = {{
  {"risk_level_highest", card_condition::risk_level_highest},
  {"risk_level_elevated", card_condition::risk_level_elevated},
  {"cvc_check_fail", card_condition::cvc_check_fail},
  {"address_line1_check_fail", card_condition::address_line1_check_fail},
  {"address_postal_code_check_fail",
   card_condition::address_postal_code_check_fail},
}};

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

std::optional<card_action> parse_action(std::string_view text) {
  if (text == "capture") return card_action::capture;
  if (text == "review") return card_action::review;
  if (text == "void") return card_action::void_authorization;
  return std::nullopt;
}

bool fires(const card_rule& rule, const card_checks& c) {
  switch (rule.condition) {
    case card_condition::risk_level_highest:
      return c.risk_level == "highest";
    case card_condition::risk_level_elevated:
      return c.risk_level == "elevated";
    case card_condition::cvc_check_fail:
      return c.cvc_check == "fail";
    case card_condition::address_line1_check_fail:
      return c.address_line1_check == "fail";
    case card_condition::address_postal_code_check_fail:
      return c.address_postal_code_check == "fail";
    case card_condition::risk_score_at_least:
      return c.risk_score >= 0 && c.risk_score >= rule.threshold;
  }
  return false;
}

}  // namespace

std::string_view to_string(card_action action) {
  switch (action) {
    case card_action::capture:
      return "capture";
    case card_action::review:
      return "review";
    case card_action::void_authorization:
      return "void";
  }
  return "capture";
}

std::string rule_name(const card_rule& rule) {
  if (rule.condition == card_condition::risk_score_at_least)
    return std::string{score_prefix} + std::to_string(rule.threshold);
  for (const auto& n : named_conditions)
    if (n.condition == rule.condition) return std::string{n.name};
  return "unknown";
}

std::vector<card_rule> default_card_rules() {
  return {
    {card_condition::risk_level_highest, 0, card_action::void_authorization},
    {card_condition::risk_level_elevated, 0, card_action::review},
    {card_condition::cvc_check_fail, 0, card_action::review},
  };
}

std::optional<std::vector<card_rule>> parse_card_rules(std::string_view text,
                                                       std::string& error) {
  std::vector<card_rule> rules;
  while (!trimmed(text).empty()) {
    auto comma = text.find(',');
    auto item = trimmed(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view{}
                                           : text.substr(comma + 1);
    auto colon = item.find(':');
    if (colon == std::string_view::npos) {
      error = "'" + std::string{item} + "' is not name:action";
      return std::nullopt;
    }
    auto name = trimmed(item.substr(0, colon));
    auto action = parse_action(trimmed(item.substr(colon + 1)));
    if (!action) {
      error = "the action of '" + std::string{item}
              + "' is not capture, review or void";
      return std::nullopt;
    }
    card_rule rule;
    rule.action = *action;
    auto known = std::find_if(named_conditions.begin(), named_conditions.end(),
                              [&](const auto& n) { return n.name == name; });
    if (known != named_conditions.end()) {
      rule.condition = known->condition;
    } else if (name.substr(0, score_prefix.size()) == score_prefix) {
      auto digits = name.substr(score_prefix.size());
      std::int32_t threshold = -1;
      auto [end, ec] = std::from_chars(digits.data(),
                                       digits.data() + digits.size(),
                                       threshold);
      if (digits.empty() || ec != std::errc{}
          || end != digits.data() + digits.size() || threshold < 0
          || threshold > 99) {
        error = "'" + std::string{name} + "' needs a score from 0 to 99";
        return std::nullopt;
      }
      rule.condition = card_condition::risk_score_at_least;
      rule.threshold = threshold;
    } else {
      error = "unknown card rule '" + std::string{name} + "'";
      return std::nullopt;
    }
    rules.push_back(rule);
  }
  return rules;
}

bool card_rules_may_hold(const std::vector<card_rule>& rules) {
  return std::any_of(rules.begin(), rules.end(), [](const card_rule& r) {
    return r.action != card_action::capture;
  });
}

card_decision decide_card(const std::vector<card_rule>& rules,
                          const card_checks& checks) {
  card_decision out;
  for (const auto& rule : rules) {
    if (!fires(rule, checks)) continue;
    out.fired.push_back(rule_name(rule));
    out.action = std::max(out.action, rule.action);
  }
  return out;
}

std::string card_assessment_json(const card_checks& c,
                                 const card_decision& decision) {
  if (!c.reported()) return {};
  json::object checks;
  auto put = [&](std::string_view key, const std::string& value) {
    if (!value.empty()) checks[key] = value;
  };
  put("cvc_check", c.cvc_check);
  put("address_line1_check", c.address_line1_check);
  put("address_postal_code_check", c.address_postal_code_check);
  json::array fired;
  for (const auto& name : decision.fired) fired.emplace_back(name);
  json::object out;
  out["checks"] = std::move(checks);
  out["risk_level"] = c.risk_level.empty() ? json::value{}
                                           : json::value(c.risk_level);
  out["risk_score"] = c.risk_score >= 0 ? json::value(c.risk_score)
                                        : json::value{};
  out["decision"] = json::object{{"action", to_string(decision.action)},
                                 {"rules", std::move(fired)}};
  return json::serialize(out);
}

}  // namespace pay::domain
