// A broken promise found by the harness: which invariant, about what, and
// precisely how. Violations are values collected per round; the round fails
// when it has any.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pay::chaos {

// The numbers match the list in docs/chaos.md; 0 and 5..8 are the promises
// that are not about stored money but are broken all the same.
enum class invariant : std::uint8_t {
  client_answer = 0,    // an answer the API contract does not allow
  terminal_or_dlq = 1,  // every order final or in the DLQ; none lost
  charged_once = 2,     // pspsim charged each key at most once, for a reason
  booked_once = 3,      // one credit and one balanced payin per SUCCESS
  history_forward = 4,  // an order's history never goes backwards
  quiescence = 5,       // the system settles before the timeout
  refused_changed_nothing = 6,  // a refused request left no trace
  feature_missing = 7,  // --require-all-features and a feature is absent
  harness = 8,          // the round could not run (a process did not start)
  // A finding of testkit's find_violations that none of the above names.
  testkit_other = 9,
  // After pay-in (money_checks.hpp):
  refunded_once_at_psp = 10,  // one PSP refund per refund id, as booked
  paid_out_once_at_psp = 11,  // one PSP pay-out per payout id, as booked
  refund_answer_kept = 12,  // acknowledged refunds exist, refused wrote nothing
  // One refund at the PSP per refund id, ever (also once pspsim forgot the
  // key), and every refund POST carries the id as its key.
  refund_id_refunded_once = 13,
  // Cluster rounds: no row written by an incarnation after its lease ended
  // (fence_check.hpp).
  fenced_after_takeover = 14,
};

const char* to_string(invariant which);

struct violation {
  invariant which;
  std::string detail;  // names the order / checkout / key and what was seen
};

using violations = std::vector<violation>;

}  // namespace pay::chaos
