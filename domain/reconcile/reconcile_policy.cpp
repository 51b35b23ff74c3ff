#include "domain/reconcile/reconcile_policy.hpp"

#include "domain/common/assert.hpp"

namespace pay::domain {

namespace {

using pc = policy_case;
using dk = discrepancy_kind;
using rr = reconcile_route;
using lb = line_booking;

constexpr std::array<policy_row, policy_case_count> policy_table{{
  {pc::matched, dk::matched, rr::matched, lb::receivable, true, false,
   "A charge whose order is SUCCESS with the same amount, currency and "
   "agreed fee, not settled on another date; a refund SUCCEEDED or payout "
   "PAID with the same amount and currency; a fee line of a known payout.",
   "Settle our record; the line's money moves to the bank and fees."},
  {pc::fee_mismatch, dk::fee_mismatch, rr::auto_corrected, lb::receivable, true,
   false, "As matched, but the line's fee differs from the agreed fee.",
   "Book the fee the PSP actually took to psp_fees and settle the order."},
  // Never settled or booked to the receivable from the file alone: the PSP
  // may still fail the order (docs/reconciliation.md). The reconciler's
  // follow-up finishes it once the order is final.
  {pc::status_mismatch_order_unfinished, dk::status_mismatch, rr::queued,
   lb::suspense, false, true,
   "The PSP settled a charge whose order is NOT_STARTED, EXECUTING, "
   "PENDING or REVIEW.",
   "Ask the PSP (the order moves through its normal transition); the money "
   "waits in settlement_suspense until the order is final: SUCCESS moves it "
   "to psp_receivable and settles the order, FAILED escalates."},
  {pc::status_mismatch_order_failed, dk::status_mismatch, rr::escalated,
   lb::suspense, false, false,
   "The PSP settled a charge whose order is FAILED.",
   "Escalate; the money waits in settlement_suspense."},
  {pc::status_mismatch_refund_or_payout, dk::status_mismatch, rr::queued,
   lb::suspense, false, false,
   "The PSP settled a refund we do not have as SUCCEEDED or a payout we "
   "do not have as PAID.",
   "Queue for finance; the money waits in settlement_suspense."},
  {pc::amount_mismatch, dk::amount_mismatch, rr::escalated, lb::suspense, false,
   false,
   "The line's gross differs from our amount (same currency), or its net "
   "is not gross minus fee.",
   "Escalate; the money waits in settlement_suspense."},
  {pc::currency_mismatch, dk::currency_mismatch, rr::escalated, lb::suspense,
   false, false, "The line's currency differs from ours.",
   "Escalate; the money waits in settlement_suspense."},
  {pc::duplicate_line, dk::duplicate_line, rr::queued, lb::suspense, false,
   false,
   "A further line with the type and reference of an earlier line (or for "
   "an order an earlier line already matched), or a line for a record "
   "already settled on another date.",
   "Queue for finance; the money waits in settlement_suspense."},
  {pc::unknown_charge, dk::unknown_charge, rr::escalated, lb::suspense, false,
   false, "A charge line that matches none of our orders.",
   "Escalate; the money waits in settlement_suspense."},
  {pc::unknown_reference, dk::unknown_reference, rr::escalated, lb::suspense,
   false, false, "A refund, payout or fee line that matches nothing of ours.",
   "Escalate; the money waits in settlement_suspense (a fee still goes to "
   "psp_fees)."},
  {pc::missing_charge, dk::missing_charge, rr::queued, lb::none, false, false,
   "An order that succeeded on the file's date is not in the file and was "
   "not settled on another date.",
   "Queue for finance; nothing is booked and the order stays unsettled."},
  {pc::totals_mismatch, dk::totals_mismatch, rr::escalated, lb::none, false,
   false,
   "A TOTAL row differs from the sums of its currency's lines, or a "
   "currency has lines but not exactly one TOTAL row.",
   "Escalate; the booking uses the lines, not the TOTAL row."},
}};

constexpr bool rows_in_case_order() {
  for (std::size_t i = 0; i < policy_table.size(); ++i)
    if (static_cast<std::size_t>(policy_table[i].which) != i) return false;
  return true;
}
static_assert(rows_in_case_order(), "policy_for indexes the table by case");

}  // namespace

const std::array<policy_row, policy_case_count>& reconcile_policy() {
  return policy_table;
}

const policy_row& policy_for(policy_case which) {
  auto index = static_cast<std::size_t>(which);
  PAY_ASSERT(index < policy_table.size());
  return policy_table[index];
}

std::string_view to_string(discrepancy_kind kind) {
  switch (kind) {
    case dk::matched:
      return "matched";
    case dk::fee_mismatch:
      return "fee_mismatch";
    case dk::status_mismatch:
      return "status_mismatch";
    case dk::amount_mismatch:
      return "amount_mismatch";
    case dk::currency_mismatch:
      return "currency_mismatch";
    case dk::duplicate_line:
      return "duplicate_line";
    case dk::unknown_charge:
      return "unknown_charge";
    case dk::missing_charge:
      return "missing_charge";
    case dk::unknown_reference:
      return "unknown_reference";
    case dk::totals_mismatch:
      return "totals_mismatch";
  }
  return "unknown";
}

std::string_view to_string(reconcile_route route) {
  switch (route) {
    case rr::matched:
      return "matched";
    case rr::auto_corrected:
      return "auto_corrected";
    case rr::queued:
      return "queued";
    case rr::escalated:
      return "escalated";
  }
  return "unknown";
}

std::string_view to_string(line_booking booking) {
  switch (booking) {
    case lb::none:
      return "none";
    case lb::receivable:
      return "receivable";
    case lb::suspense:
      return "suspense";
  }
  return "unknown";
}

std::string_view to_string(policy_case which) {
  switch (which) {
    case pc::matched:
      return "matched";
    case pc::fee_mismatch:
      return "fee_mismatch";
    case pc::status_mismatch_order_unfinished:
      return "status_mismatch_order_unfinished";
    case pc::status_mismatch_order_failed:
      return "status_mismatch_order_failed";
    case pc::status_mismatch_refund_or_payout:
      return "status_mismatch_refund_or_payout";
    case pc::amount_mismatch:
      return "amount_mismatch";
    case pc::currency_mismatch:
      return "currency_mismatch";
    case pc::duplicate_line:
      return "duplicate_line";
    case pc::unknown_charge:
      return "unknown_charge";
    case pc::unknown_reference:
      return "unknown_reference";
    case pc::missing_charge:
      return "missing_charge";
    case pc::totals_mismatch:
      return "totals_mismatch";
  }
  return "unknown";
}

std::optional<policy_case> parse_policy_case(std::string_view text) {
  for (const auto& row : policy_table)
    if (to_string(row.which) == text) return row.which;
  return std::nullopt;
}

}  // namespace pay::domain
