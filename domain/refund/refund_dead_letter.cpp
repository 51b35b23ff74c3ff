#include "domain/refund/refund_dead_letter.hpp"

namespace pay::domain {

bool refund_budget_spent(refund_status status, std::int32_t attempts,
                         std::int64_t first_attempt_age_ms,
                         std::uint32_t attempts_max, std::int64_t deadline_ms) {
  if (status != refund_status::created) return false;
  if (attempts < 0 || static_cast<std::uint32_t>(attempts) < attempts_max)
    return false;
  return first_attempt_age_ms < 0 || first_attempt_age_ms >= deadline_ms;
}

refund_resolve_step refund_resolve_step_for(refund_status status,
                                            bool maybe_refunded) {
  switch (status) {
    case refund_status::created:
      return maybe_refunded ? refund_resolve_step::ask_psp
                            : refund_resolve_step::fail_now;
    case refund_status::pending:
      return refund_resolve_step::refuse_psp_holds_it;
    case refund_status::succeeded:
    case refund_status::failed:
      return refund_resolve_step::close_only;
  }
  return refund_resolve_step::refuse_psp_holds_it;
}

refund_resolve_verdict refund_resolve_verdict_for(refund_kind lookup) {
  switch (lookup) {
    case refund_kind::absent:
    case refund_kind::failed:
      // No money moved at the PSP under our refund id.
      return refund_resolve_verdict::fail;
    case refund_kind::succeeded:
    case refund_kind::pending:
      return refund_resolve_verdict::refuse_psp_made_it;
    case refund_kind::retry:
      return refund_resolve_verdict::refuse_psp_unknown;
  }
  return refund_resolve_verdict::refuse_psp_unknown;
}

}  // namespace pay::domain
