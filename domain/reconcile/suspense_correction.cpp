#include "domain/reconcile/suspense_correction.hpp"

#include <algorithm>

#include "domain/common/assert.hpp"

namespace pay::domain {

std::vector<std::string> correction_targets(const correction_facts& facts) {
  if (facts.suspense_minor == 0) return {};
  std::vector<std::string> out{std::string{psp_receivable_account}};
  switch (facts.which) {
    case policy_case::amount_mismatch:
    case policy_case::unknown_reference:
      out.emplace_back(psp_fees_account);
      break;
    case policy_case::status_mismatch_order_failed:
      if (!facts.order_seller.empty())
        out.push_back(
          seller_payable_account(seller_account{facts.order_seller}));
      break;
    default:
      break;
  }
  out.emplace_back(bank_account);
  return out;
}

correction_plan plan_correction(const correction_facts& facts,
                                std::string_view requested) {
  correction_plan plan;
  auto targets = correction_targets(facts);
  if (targets.empty()) {
    plan.outcome = requested.empty() ? correction_outcome::nothing_to_book
                                     : correction_outcome::account_not_allowed;
    return plan;
  }
  plan.account = requested.empty() ? targets.front() : std::string{requested};
  if (std::find(targets.begin(), targets.end(), plan.account)
      == targets.end()) {
    plan.outcome = correction_outcome::account_not_allowed;
    plan.account.clear();
    return plan;
  }
  plan.outcome = correction_outcome::book;
  // Suspense gives back what the line posted there; the target takes it.
  plan.target_minor = facts.suspense_minor;
  plan.postings = {{std::string{settlement_suspense_account}, facts.currency,
                    -facts.suspense_minor},
                   {plan.account, facts.currency, facts.suspense_minor}};
  PAY_ASSERT(is_balanced(plan.postings));
  return plan;
}

}  // namespace pay::domain
