#include "domain/risk/risk_rules.hpp"

#include <algorithm>

#include <boost/json.hpp>

#include "domain/common/assert.hpp"
#include "domain/common/currency.hpp"
#include "domain/common/money.hpp"

namespace pay::domain {

namespace json = boost::json;

namespace {

// "6000.00 USD"; a currency the table does not know (the gateway never lets
// one through) still gets a readable, if unscaled, figure.
std::string describe_amount(std::int64_t amount_minor,
                            std::string_view currency) {
  const std::optional<currency_info> info = find_currency(currency);
  if (!info) {
    return std::to_string(amount_minor) + " minor units of "
           + std::string{currency};
  }
  return format_minor(amount_minor, *info) + " " + std::string{currency};
}

void add(risk_decision& decision, risk_rule rule, risk_verdict verdict,
         std::string detail) {
  PAY_ASSERT(verdict != risk_verdict::allow);
  decision.rules.push_back(fired_rule{rule, verdict, std::move(detail)});
  decision.verdict = std::max(decision.verdict, verdict);
}

// One fired rule per order above the limit: with several sellers in one
// checkout, the operator needs to see which orders are the large ones.
void check_amounts(const std::map<std::string, std::int64_t>& limits,
                   risk_rule rule, risk_verdict verdict,
                   std::string_view limit_name, const risk_facts& facts,
                   risk_decision& decision) {
  for (std::size_t i = 0; i < facts.orders.size(); ++i) {
    const risk_order& order = facts.orders[i];
    const auto limit = limits.find(order.currency);
    if (limit == limits.end()) continue;
    PAY_ASSERT(limit->second > 0);
    if (order.amount_minor <= limit->second) continue;
    add(decision, rule, verdict,
        "payment_orders[" + std::to_string(i)
          + "]: " + describe_amount(order.amount_minor, order.currency)
          + " is above the " + std::string{limit_name} + " "
          + describe_amount(limit->second, order.currency));
  }
}

// One rule with two thresholds: the higher verdict reached is the one asked.
void check_velocity(const risk_rules& rules, const risk_facts& facts,
                    risk_decision& decision) {
  const std::uint32_t count = facts.recent_checkouts;
  const std::string seen = std::to_string(count)
                           + " checkouts by this buyer in the last "
                           + std::to_string(rules.velocity_window_s) + " s";
  if (rules.velocity_block_count > 0 && count >= rules.velocity_block_count) {
    add(decision, risk_rule::velocity, risk_verdict::block,
        seen + ", blocked from " + std::to_string(rules.velocity_block_count));
    return;
  }
  if (rules.velocity_review_count > 0 && count >= rules.velocity_review_count) {
    add(decision, risk_rule::velocity, risk_verdict::review,
        seen + ", reviewed from "
          + std::to_string(rules.velocity_review_count));
  }
}

void check_account(const risk_rules& rules, const risk_facts& facts,
                   risk_decision& decision) {
  if (facts.account_id.empty()) return;
  if (rules.blocked_accounts.count(facts.account_id) == 0) return;
  add(decision, risk_rule::blocked_account, risk_verdict::block,
      "buyer account '" + facts.account_id + "' is blocked");
}

// The first listed domain that matches, in the set's (sorted) order, so the
// detail is the same on every run.
void check_email(const std::set<std::string>& domains, risk_rule rule,
                 risk_verdict verdict, const std::string& domain,
                 risk_decision& decision) {
  for (const std::string& listed : domains) {
    if (!domain_matches(domain, listed)) continue;
    const std::string how = domain == listed ? "is" : "is under";
    add(decision, rule, verdict,
        "e-mail domain '" + domain + "' " + how + " '" + listed
          + "', listed for " + std::string{to_string(verdict)});
    return;
  }
}

void check_country(const std::set<std::string>& countries, risk_rule rule,
                   risk_verdict verdict, const risk_facts& facts,
                   risk_decision& decision) {
  if (facts.country.empty()) return;
  if (countries.count(facts.country) == 0) return;
  add(decision, rule, verdict,
      "country '" + facts.country + "' is listed for "
        + std::string{to_string(verdict)});
}

}  // namespace

std::string_view to_string(risk_verdict verdict) {
  switch (verdict) {
    case risk_verdict::allow:
      return "allow";
    case risk_verdict::review:
      return "review";
    case risk_verdict::block:
      return "block";
  }
  // Only reachable through a cast from an unknown number.
  return "risk_verdict_unknown";
}

std::optional<risk_verdict> parse_risk_verdict(std::string_view text) {
  for (risk_verdict v :
       {risk_verdict::allow, risk_verdict::review, risk_verdict::block}) {
    if (text == to_string(v)) return v;
  }
  return std::nullopt;
}

std::string_view to_string(risk_rule rule) {
  switch (rule) {
    case risk_rule::max_amount:
      return "max_amount";
    case risk_rule::review_amount:
      return "review_amount";
    case risk_rule::velocity:
      return "velocity";
    case risk_rule::blocked_account:
      return "blocked_account";
    case risk_rule::blocked_email_domain:
      return "blocked_email_domain";
    case risk_rule::review_email_domain:
      return "review_email_domain";
    case risk_rule::blocked_country:
      return "blocked_country";
    case risk_rule::review_country:
      return "review_country";
  }
  return "risk_rule_unknown";
}

risk_decision evaluate_risk(const risk_rules& rules, const risk_facts& facts) {
  risk_decision decision;
  // The call order is the documented order of decision.rules.
  check_amounts(rules.block_amount_minor, risk_rule::max_amount,
                risk_verdict::block, "block limit", facts, decision);
  check_amounts(rules.review_amount_minor, risk_rule::review_amount,
                risk_verdict::review, "review limit", facts, decision);
  check_velocity(rules, facts, decision);
  check_account(rules, facts, decision);
  const std::string domain = email_domain(facts.email);
  check_email(rules.blocked_email_domains, risk_rule::blocked_email_domain,
              risk_verdict::block, domain, decision);
  check_email(rules.review_email_domains, risk_rule::review_email_domain,
              risk_verdict::review, domain, decision);
  check_country(rules.blocked_countries, risk_rule::blocked_country,
                risk_verdict::block, facts, decision);
  check_country(rules.review_countries, risk_rule::review_country,
                risk_verdict::review, facts, decision);
  PAY_ASSERT(decision.rules.empty()
             == (decision.verdict == risk_verdict::allow));
  return decision;
}

bool has_any_rule(const risk_rules& r) {
  return !r.block_amount_minor.empty() || !r.review_amount_minor.empty()
         || r.velocity_review_count > 0 || r.velocity_block_count > 0
         || !r.blocked_accounts.empty() || !r.blocked_email_domains.empty()
         || !r.review_email_domains.empty() || !r.blocked_countries.empty()
         || !r.review_countries.empty();
}

std::string risk_decision_json(const risk_decision& decision) {
  json::array fired;
  fired.reserve(decision.rules.size());
  for (const fired_rule& r : decision.rules) {
    fired.push_back(json::object{{"rule", to_string(r.rule)},
                                 {"verdict", to_string(r.verdict)},
                                 {"detail", r.detail}});
  }
  return json::serialize(json::object{{"verdict", to_string(decision.verdict)},
                                      {"rules", std::move(fired)}});
}

}  // namespace pay::domain
