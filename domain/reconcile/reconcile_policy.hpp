#pragma once
// The reconciliation policy, as data: what each kind of discrepancy between
// a PSP settlement file and our books is, where it is routed (matched,
// auto-corrected, queued for finance, escalated) and how the line's money is
// booked. The table is the single source: the matcher (reconcile.hpp) reads
// it, and docs and tests print it.
//
// When several discrepancies apply to one line, the most specific is
// reported, in this order: duplicate_line, unknown_charge /
// unknown_reference, currency_mismatch, amount_mismatch, status_mismatch,
// fee_mismatch.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace pay::domain {

// Stored and returned by the admin API: never renumber or rename.
enum class discrepancy_kind : std::uint8_t {
  matched = 0,  // no discrepancy
  fee_mismatch = 1,
  status_mismatch = 2,
  amount_mismatch = 3,
  currency_mismatch = 4,
  duplicate_line = 5,
  unknown_charge = 6,
  missing_charge = 7,
  unknown_reference = 8,
  totals_mismatch = 9,
};

// Numbered by severity. Stored: never renumber or rename.
enum class reconcile_route : std::uint8_t {
  matched = 0,
  auto_corrected = 1,  // fixed by the reconciler itself, recorded
  queued = 2,          // a durable exception for finance to resolve
  escalated = 3,       // as queued, plus log, metric and the flag
};

// Where a line's gross goes in the day's settlement transaction.
enum class line_booking : std::uint8_t {
  none = 0,        // no money: payout confirmations, missing lines, totals
  receivable = 1,  // psp_receivable -gross: the PSP paid what it owed us
  suspense = 2,    // settlement_suspense -gross: held until finance decides
};

// One row of the policy. A kind can need more than one row because the
// route of a status_mismatch depends on which of our states disagrees.
enum class policy_case : std::uint8_t {
  matched = 0,
  fee_mismatch = 1,
  status_mismatch_order_unfinished = 2,  // NOT_STARTED .. PENDING, REVIEW
  status_mismatch_order_failed = 3,
  status_mismatch_refund_or_payout = 4,  // not SUCCEEDED / not PAID
  amount_mismatch = 5,
  currency_mismatch = 6,
  duplicate_line = 7,
  unknown_charge = 8,
  unknown_reference = 9,
  missing_charge = 10,
  totals_mismatch = 11,
};
inline constexpr std::size_t policy_case_count = 12;

struct policy_row {
  policy_case which = policy_case::matched;
  discrepancy_kind kind = discrepancy_kind::matched;
  reconcile_route route = reconcile_route::matched;
  line_booking booking = line_booking::none;
  bool settles_our_record = false;  // mark order/refund/payout settled
  bool polls_psp = false;           // ask the PSP and move the order
  std::string_view when;            // one sentence for the docs
  std::string_view action;          // one sentence for the docs
};

// Every row, in policy_case order (row i has which == policy_case(i)).
const std::array<policy_row, policy_case_count>& reconcile_policy();
const policy_row& policy_for(policy_case which);

// "matched", "fee_mismatch", ...
std::string_view to_string(discrepancy_kind kind);
// "matched", "auto_corrected", "queued", "escalated".
std::string_view to_string(reconcile_route route);
// "none", "receivable", "suspense".
std::string_view to_string(line_booking booking);
// "matched", "status_mismatch_order_failed", ...
std::string_view to_string(policy_case which);
// The case named so (as stored in reconciliation_exception.policy_case).
std::optional<policy_case> parse_policy_case(std::string_view text);

}  // namespace pay::domain
