#pragma once
// When a refund stops retrying and waits for an operator (its dead-letter
// queue), and what an operator's resolve may do with it, as pure functions
// of the persisted row. The refund actor parks itself by the first; the
// refund service resolves by the others, asking the PSP in between when the
// refund may exist there.

#include <cstdint>

#include "domain/refund/refund_outcome.hpp"
#include "domain/refund/refund_status.hpp"

namespace pay::domain {

// The retry budget payment orders spend (psp.retry_deadline_ms AND
// psp.retry_attempts_max): spent once `attempts` undecided PSP calls were
// made and the first of them is at least `deadline_ms` old (a negative age:
// none recorded, which counts as old). The time is the budget, so a PSP
// outage shorter than the deadline never parks a refund; the count is a
// floor, so a short deadline still gets that many tries. Only a CREATED
// refund spends it: a PENDING one exists at the PSP, which alone may end
// it, and reading it back waits as a pending order does.
bool refund_budget_spent(refund_status status, std::int32_t attempts,
                         std::int64_t first_attempt_age_ms,
                         std::uint32_t attempts_max, std::int64_t deadline_ms);

// What resolving a dead-lettered refund as failed takes, from its row.
enum class refund_resolve_step : std::uint8_t {
  close_only = 0,           // final already: close the entry, change nothing
  fail_now = 1,             // CREATED, no call of ours can have reached the
                            // PSP: FAILED, its amount refundable again
  ask_psp = 2,              // CREATED, a call may have reached the PSP: look
                            // the refund up there first
  refuse_psp_holds_it = 3,  // PENDING: the PSP made it; only it may end it
};

refund_resolve_step refund_resolve_step_for(refund_status status,
                                            bool maybe_refunded);

enum class refund_resolve_verdict : std::uint8_t {
  fail = 0,                // the PSP has none of ours, or failed it
  refuse_psp_made_it = 1,  // the PSP refunded (or holds it pending)
  refuse_psp_unknown = 2,  // the PSP could not be asked: nothing is known
};

// After ask_psp: the lookup's answer (classify_refund_lookup).
refund_resolve_verdict refund_resolve_verdict_for(refund_kind lookup);

}  // namespace pay::domain
