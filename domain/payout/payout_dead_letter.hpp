#pragma once
// When a pay-out stops retrying and waits for an operator (its dead-letter
// queue), and what an operator's resolve may do with it, as pure functions
// of the persisted row. Failing a pay-out gives its money back to the
// seller's wallet, so a resolve may only fail one whose money is back on
// the platform: no transfer at all (CREATED), or a transfer taken back
// first (TRANSFERRED goes through REVERSING, as a refused pay-out does).

#include <cstdint>

#include "domain/payout/payout_outcome.hpp"
#include "domain/payout/payout_status.hpp"

namespace pay::domain {

// The retry budget payment orders spend (psp.retry_deadline_ms AND
// psp.retry_attempts_max), counted per step: `step_attempts` undecided
// calls since the pay-out last moved, the first `first_attempt_age_ms` ago
// (negative: none recorded, which counts as old). CREATED, TRANSFERRED and
// REVERSING spend it; IN_TRANSIT waits for the provider, which holds the
// pay-out, as a pending order waits.
bool payout_budget_spent(payout_status status, std::int32_t step_attempts,
                         std::int64_t first_attempt_age_ms,
                         std::uint32_t attempts_max, std::int64_t deadline_ms);

// What resolving a dead-lettered pay-out as failed takes, from its row.
enum class payout_resolve_step : std::uint8_t {
  close_only = 0,      // final already: close the entry, change nothing
  fail_now = 1,        // CREATED, no transfer can exist: FAILED, money back
  reverse_now = 2,     // TRANSFERRED, no pay-out on the connected account can
                       // exist: REVERSING, FAILED once the transfer is back
  keep_reversing = 3,  // REVERSING: its actor goes on taking the transfer
                       // back, then fails it
  ask_transfer = 4,    // CREATED, a transfer may exist: look it up first
  ask_payout = 5,      // TRANSFERRED, a pay-out may exist: look it up first
  refuse_in_transit = 6,  // the provider holds the pay-out: only it may end it
};

// `has_account`: the pay-out names a connected account (one made before
// Connect has none, and so no transfer).
payout_resolve_step payout_resolve_step_for(payout_status status,
                                            bool has_account,
                                            bool maybe_paid_out);

enum class payout_resolve_verdict : std::uint8_t {
  proceed = 0,             // the step asked about may go on (fail, reverse)
  refuse_psp_acted = 1,    // the provider holds our transfer or pay-out
  refuse_psp_unknown = 2,  // the provider could not be asked
};

// After ask_transfer (find_transfer) or ask_payout (find_payout): the
// lookup's answer (classify_payout).
payout_resolve_verdict payout_resolve_verdict_for(payout_resolve_step asked,
                                                  payout_kind answer);

// The step a proceeding lookup leads to: ask_transfer -> fail_now,
// ask_payout -> reverse_now (any other step is returned as it is).
payout_resolve_step after_lookup(payout_resolve_step asked);

}  // namespace pay::domain
