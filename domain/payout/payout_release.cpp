#include "domain/payout/payout_release.hpp"

#include <algorithm>

namespace pay::domain {

bool is_releasable(const release_facts& facts, std::int64_t hold_s) {
  return facts.fulfilled && facts.settled
         && facts.seconds_since_success >= hold_s;
}

release_split split_credits(const std::vector<unreleased_credit>& credits,
                            std::int64_t hold_s) {
  release_split out;
  for (const auto& c : credits) {
    if (is_releasable(c.facts, hold_s))
      out.releasable.push_back(c.payment_order_id);
    else
      out.pending_minor += std::max<std::int64_t>(
        c.amount_minor - c.refunded_minor, 0);
  }
  return out;
}

}  // namespace pay::domain
