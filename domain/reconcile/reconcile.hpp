#pragma once
// Reconciliation of one PSP settlement file against our books, as a pure
// function: no I/O, deterministic, O(lines + records) with hash maps keyed by
// reference. The reconciler actor loads both sides, calls reconcile() and
// applies the plan (settle, poll, book, store exceptions and the report).
//
// Matching: a charge line finds its order by psp_reference, else by
// idempotency_key == payment_order_id; a refund line its refund by reference,
// else key == refund id; a payout line (a Stripe transfer to the seller's
// connected account) likewise with the payout id; a fee
// line is matched when its idempotency_key is one of our payout ids.
// Every discrepancy is routed by the table in reconcile_policy.hpp. TOTAL
// rows are checked against the lines only when the file states them
// (settlement_file::states_totals).
//
// Money: one settlement transaction per currency. For charge, refund and fee
// lines: bank +net, psp_fees +fee, and psp_receivable -gross (booking
// receivable) or settlement_suspense -gross (booking suspense). Payout lines
// only confirm what was booked when the payout was paid: no money. A line
// whose net is not gross - fee is an amount_mismatch, and its suspense
// posting is -(net + fee), so every transaction balances whatever the file
// says. A line finance already moved out of suspense (a resolved exception's
// correction, books::corrected_lines) stays booked to suspense and raises no
// exception again, whatever it is classified now: its correction is what
// cleared it, and booking it elsewhere too would move the money twice.
//
// Identity: a line is known by what it is about, "<type>:<reference>", and
// "#<n>" for the n-th line (n >= 2) of that type and reference in the file;
// an exception's key is "<kind>:" and that identity ("missing_charge:order:
// <id>", "totals_mismatch:currency:<CUR>" for the exceptions of no line), so
// a file read again in another order, or with a line added, gives every
// discrepancy the key it had.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "domain/common/ids.hpp"
#include "domain/ledger/ledger_postings.hpp"
#include "domain/payin/order_status.hpp"
#include "domain/payout/payout_status.hpp"
#include "domain/reconcile/reconcile_policy.hpp"
#include "domain/reconcile/settlement_fee.hpp"
#include "domain/reconcile/settlement_line.hpp"
#include "domain/refund/refund_status.hpp"

namespace pay::domain {

struct our_charge {
  payment_order_id order_id;
  std::string psp_reference;  // empty when the PSP never gave one
  seller_account seller;
  std::int64_t amount_minor = 0;  // positive
  std::string currency;
  order_status status = order_status::not_started;
  std::string settled_on;  // "" or YYYY-MM-DD
  std::string
    succeeded_on;  // "" or YYYY-MM-DD (UTC), when ours moved to SUCCESS
};

struct our_refund {
  domain::refund_id refund_id;
  std::string psp_reference;
  payment_order_id order_id;
  std::int64_t amount_minor = 0;  // positive
  std::string currency;
  refund_status status = refund_status::created;
  std::string settled_on;
};

struct our_payout {
  domain::payout_id payout_id;
  // The reference its settlement line carries: the transfer (tr_) to the
  // seller's connected account, or the pay-out (po_) for one made before.
  std::string psp_reference;
  seller_account seller;
  std::int64_t amount_minor = 0;  // positive
  std::string currency;
  payout_status status = payout_status::created;
  std::string settled_on;
  bool transferred = false;  // a transfer exists (even if reversed since)
};

// A transfer (or, before Connect, the paid pay-out) took the money off the
// platform's balance: the settlement has a line for it.
inline bool money_left_platform(const our_payout& p) {
  return p.transferred || p.status == payout_status::paid;
}

struct books {
  // Every order the file refers to (by reference or idempotency key).
  std::vector<our_charge> charges;
  // Our SUCCESS orders the file should list (UTC): those that succeeded on
  // its date, except the last missing_charge_grace_s of it, plus the last
  // missing_charge_grace_s of the day before (our clock and the PSP's may
  // put such a charge on either day). May overlap charges. Those the file
  // leaves out are missing_charge.
  std::vector<our_charge> expected;
  std::vector<our_refund> refunds;  // those the file refers to
  std::vector<our_payout> payouts;  // those the file refers to
  // Identities ("<type>:<reference>[#n]") of the day's lines whose
  // exception finance resolved with a correcting entry.
  std::vector<std::string> corrected_lines;
};

// How close to midnight (UTC) a success may be for its charge to be looked
// for in the next day's lines too: an order that succeeded in the last
// missing_charge_grace_s of day D is expected in D+1's lines (and matched on
// D if D's lines have it), so it is reported missing only when neither day
// has it. Our clock and the PSP's differ by far less.
inline constexpr std::int64_t missing_charge_grace_s = 600;

// "<type>:<reference>", "#<occurrence>" appended from the second line of
// that type and reference on.
std::string line_identity(settlement_type type, std::string_view reference,
                          std::uint32_t occurrence);
// "<kind>:<identity>".
std::string exception_key(discrepancy_kind kind, std::string_view identity);
// The identity in a key ("" when it has none): what follows "<kind>:".
std::string_view identity_of_key(std::string_view key);

// The file's own date (settlement_file::date) is the day reconciled.
struct reconcile_inputs {
  domain::fee_terms fee_terms;  // agreed with the PSP (settlement_fee.hpp)
};

struct line_result {
  std::uint32_t line_no = 0;
  settlement_type type = settlement_type::charge;
  std::string reference;
  discrepancy_kind kind = discrepancy_kind::matched;
  reconcile_route route = reconcile_route::matched;
  line_booking booking = line_booking::none;
  std::string our_id;  // order, refund or payout id; "" if none
  std::int64_t our_amount_minor = 0;
  std::string our_currency;
  std::string our_status;
  std::int64_t their_gross_minor = 0;
  std::int64_t their_fee_minor = 0;
  std::int64_t their_net_minor = 0;
  std::string their_currency;
};

// One discrepancy, with both sides as plain fields (stored as a
// reconciliation_exception row).
struct reconciliation_exception {
  discrepancy_kind kind = discrepancy_kind::matched;
  reconcile_route route = reconcile_route::matched;
  policy_case which = policy_case::matched;
  // exception_key(kind, identity): unique within the date and the same on
  // every run over the same lines, whatever their order.
  std::string key;
  std::uint32_t line_no = 0;  // 0: no line (missing_charge, totals_mismatch)
  std::string reference;      // the line's reference, or the currency
  std::string our_id;
  std::int64_t our_amount_minor = 0;
  std::string our_currency;
  std::string our_status;
  std::int64_t their_gross_minor = 0;
  std::int64_t their_fee_minor = 0;
  std::int64_t their_net_minor = 0;
  std::string their_currency;
  std::string message;  // one sentence
  // What the line posts to settlement_suspense in their_currency (signed,
  // the ledger's convention); 0 when it puts nothing there.
  std::int64_t suspense_minor = 0;
};

struct currency_totals {
  std::int64_t gross_minor = 0;
  std::int64_t fee_minor = 0;
  std::int64_t net_minor = 0;
  std::uint32_t lines = 0;
};

struct reconcile_counts {
  std::uint32_t lines = 0;
  std::uint32_t matched = 0;  // lines without a discrepancy
  // Exceptions by route, missing_charge and totals_mismatch included.
  std::uint32_t auto_corrected = 0;
  std::uint32_t queued = 0;
  std::uint32_t escalated = 0;
  // Lines kept in suspense because finance corrected them (no exception).
  std::uint32_t held_by_correction = 0;
};

struct reconciliation_plan {
  std::string date;
  std::vector<line_result> line_results;  // in file order
  // Line exceptions in file order, then missing_charge by order id, then
  // totals_mismatch by currency.
  std::vector<reconciliation_exception> exceptions;
  // In file order, each id once.
  std::vector<payment_order_id> orders_to_settle;
  std::vector<std::string> refunds_to_settle;
  std::vector<std::string> payouts_to_settle;
  std::vector<payment_order_id> orders_to_poll;  // also in orders_to_settle
  // Currency -> what the day's settlement must have booked in total (the
  // reconciler books the difference to earlier runs): bank, psp_fees, psp_receivable,
  // settlement_suspense in this order, zero postings left out. A currency
  // with no money (only payout lines) has no entry.
  std::map<std::string, std::vector<posting>> postings_by_currency;
  // The file's lines summed per currency (all types).
  std::map<std::string, currency_totals> totals_by_currency;
  reconcile_counts counts;
};

reconciliation_plan reconcile(const settlement_file& file, const books& ours,
                              const reconcile_inputs& in);

}  // namespace pay::domain
