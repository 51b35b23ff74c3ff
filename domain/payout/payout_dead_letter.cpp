#include "domain/payout/payout_dead_letter.hpp"

namespace pay::domain {

bool payout_budget_spent(payout_status status, std::int32_t step_attempts,
                         std::int64_t first_attempt_age_ms,
                         std::uint32_t attempts_max, std::int64_t deadline_ms) {
  if (status != payout_status::created && status != payout_status::transferred
      && status != payout_status::reversing)
    return false;
  if (step_attempts < 0
      || static_cast<std::uint32_t>(step_attempts) < attempts_max)
    return false;
  return first_attempt_age_ms < 0 || first_attempt_age_ms >= deadline_ms;
}

payout_resolve_step payout_resolve_step_for(payout_status status,
                                            bool has_account,
                                            bool maybe_paid_out) {
  switch (status) {
    case payout_status::created:
      // Without a connected account no transfer was ever asked for.
      if (!has_account || !maybe_paid_out) return payout_resolve_step::fail_now;
      return payout_resolve_step::ask_transfer;
    case payout_status::transferred:
      return maybe_paid_out ? payout_resolve_step::ask_payout
                            : payout_resolve_step::reverse_now;
    case payout_status::reversing:
      return payout_resolve_step::keep_reversing;
    case payout_status::in_transit:
      return payout_resolve_step::refuse_in_transit;
    case payout_status::paid:
    case payout_status::failed:
      return payout_resolve_step::close_only;
  }
  return payout_resolve_step::refuse_in_transit;
}

payout_resolve_verdict payout_resolve_verdict_for(payout_resolve_step asked,
                                                  payout_kind answer) {
  if (answer == payout_kind::retry)
    return payout_resolve_verdict::refuse_psp_unknown;
  if (asked == payout_resolve_step::ask_transfer) {
    switch (answer) {
      case payout_kind::absent:
      case payout_kind::reversed:  // taken back: the money is ours again
        return payout_resolve_verdict::proceed;
      case payout_kind::transferred:
        return payout_resolve_verdict::refuse_psp_acted;
      default:
        return payout_resolve_verdict::refuse_psp_unknown;
    }
  }
  if (asked == payout_resolve_step::ask_payout) {
    switch (answer) {
      case payout_kind::absent:
      case payout_kind::failed:  // the money is back on the connected account
        return payout_resolve_verdict::proceed;
      case payout_kind::pending:
      case payout_kind::paid:
        return payout_resolve_verdict::refuse_psp_acted;
      default:
        return payout_resolve_verdict::refuse_psp_unknown;
    }
  }
  return payout_resolve_verdict::refuse_psp_unknown;
}

payout_resolve_step after_lookup(payout_resolve_step asked) {
  if (asked == payout_resolve_step::ask_transfer)
    return payout_resolve_step::fail_now;
  if (asked == payout_resolve_step::ask_payout)
    return payout_resolve_step::reverse_now;
  return asked;
}

}  // namespace pay::domain
