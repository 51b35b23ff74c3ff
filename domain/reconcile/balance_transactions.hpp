#pragma once
// One page of Stripe's GET /v1/balance_transactions (a list object, each
// entry's `source` expanded) read into settlement lines: the pure half of the
// balance_transactions settlement source (docs/reconciliation.md has the
// request and the mapping). No I/O; a page that is not what Stripe documents
// is refused with a reason naming the entry, never half-read.
//
// Mapping, by `type` (then `reporting_category` for fees):
//   charge, payment       -> charge: psp_reference = source.payment_intent
//                            (else the charge's own id), key =
//                            source.metadata.payment_order_id
//   refund, payment_refund -> refund: psp_reference = source.id (re_...),
//                            key = source.metadata.refund_id
//   payout                -> payout: psp_reference = source.id (po_...),
//                            key = source.metadata.payout_id; a payout with
//                            a fee (an Instant Payout) is two lines: the
//                            payout at fee 0 and a fee line of that fee
//   stripe_fee, or reporting_category fee
//                         -> fee: psp_reference = source id (else the
//                            transaction's id), key = source.metadata.payout_id
//   anything else         -> skipped and counted, not a line (a dispute,
//                            a transfer, a payout failure: money the
//                            reconciler has no record of ours to match)
// gross = amount, fee = fee, net = net, currency upper-cased, settled_date =
// the UTC date of `created`. A fee line is booked as gross 0, fee F, net -F
// (our settlement lines' convention); Stripe states a fee transaction as
// amount -F, fee 0, so its fee becomes fee - amount and its gross 0.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "domain/reconcile/settlement_line.hpp"

namespace pay::domain {

// A settlement line with what orders it among the day's transactions.
struct balance_line {
  settlement_line line;        // line_no 0: numbered once the day is whole
  std::string transaction_id;  // txn_...
  std::int64_t created_unix_s = 0;
};

// A transaction of a type the reconciler does not read.
struct skipped_balance_transaction {
  std::string transaction_id;
  std::string type;
};

struct balance_page {
  std::vector<balance_line> lines;  // in the page's order
  std::vector<skipped_balance_transaction> skipped;
  bool has_more = false;
  // The page's last entry, skipped or not: the next page's starting_after.
  std::string last_transaction_id;
};

struct balance_page_parse_result {
  balance_page page;  // complete only when error is empty
  std::string error;  // empty: parsed
};

// Refuses: text that is not JSON; not an object; an `object` other than
// "list"; no boolean has_more; no data array; an entry that is not an object
// or has no id; for an entry read as a line: amount, fee or net not an
// integer within int64, created not a whole second in 1970..9999, a currency
// that is not three letters or not in currency_table, a source that is not
// expanded (an id string or null) where a charge, refund or payout needs the
// object's fields. The reason names the entry: "data[3] (txn_...): ...".
balance_page_parse_result parse_balance_transactions_page(
  std::string_view json_text);

}  // namespace pay::domain
