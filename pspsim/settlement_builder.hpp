// Builds one day's settlement file from what settled that day and the
// distortions injected for it. Pure: no store, no clock.
#pragma once

#include <cstdint>
#include <vector>

#include "domain/reconcile/settlement_fee.hpp"
#include "domain/reconcile/settlement_line.hpp"
#include "pspsim/intent.hpp"
#include "pspsim/settlement_discrepancy.hpp"

namespace pay::pspsim {

constexpr std::int64_t payout_fee_minor_default = 25;

struct settlement_terms {
  domain::fee_terms fees;                                    // charge lines
  std::int64_t payout_fee_minor = payout_fee_minor_default;  // per paid payout
};

// The object a line is about, as GET /v1/balance_transactions names (and,
// with expand, shows) it as the transaction's `source`.
enum class source_kind : std::uint8_t {
  charge = 1,
  refund = 2,
  payout = 3,
  transfer = 4,           // to a connected account
  transfer_reversal = 5,  // of a transfer: balance transactions only
};

struct item_source {
  source_kind kind = source_kind::charge;
  // "ch_...", "re_...", "po_...", "tr_..." or "trr_...".
  std::string id;
  std::string payment_intent;  // charges and refunds
  metadata_map metadata;       // the object's: holds our ids
  // Transfers and reversals: the object as its GET renders it, which an
  // expanded source shows whole; empty: built from the fields above.
  std::string object_json;
};

// A line, when its item settled (for the order of the file) and its source.
struct settled_item {
  domain::settlement_line line;
  std::int64_t settled_unix_s = 0;
  item_source source;
};

// Charge line: gross +A, fee agreed, net A - fee. `currency` any case.
settled_item charge_item(std::string reference, std::string key,
                         std::int64_t amount_minor, std::string_view currency,
                         std::int64_t settled_unix_s,
                         const settlement_terms& terms);
// Refund -R (fee 0), payout -P (fee 0), payout fee (gross 0, fee F, net -F).
settled_item refund_item(std::string reference, std::string key,
                         std::int64_t amount_minor, std::string_view currency,
                         std::int64_t settled_unix_s);
settled_item payout_item(std::string reference, std::string key,
                         std::int64_t amount_minor, std::string_view currency,
                         std::int64_t settled_unix_s);
settled_item payout_fee_item(std::string reference, std::string key,
                             std::string_view currency,
                             std::int64_t settled_unix_s,
                             const settlement_terms& terms);

// A transfer's reversal brings +R back (fee 0). The settlement file has no
// type for money coming back from a connected account, so the line is a
// balance transaction only (in_settlement_file is false); typed payout,
// the type of the transfer it undoes.
settled_item transfer_reversal_item(std::string reference, std::string key,
                                    std::int64_t amount_minor,
                                    std::string_view currency,
                                    std::int64_t settled_unix_s);
// False for what the CSV leaves out (transfer reversals).
bool in_settlement_file(const settled_item& item);

// The charge a distortion adds (unknown_charge, status_mismatch): it has
// no charge object, so its id is derived from the intent's.
item_source distortion_source(const discrepancy& d);

// Applies `distortions` in order to `items` and orders them (charge,
// refund, payout, fee; then settled time; then reference).
std::vector<settled_item> distort_and_order(
  std::vector<settled_item> items, const std::vector<discrepancy>& distortions,
  const settlement_terms& terms);

// distort_and_order, then the file: the items in_settlement_file, line_no
// and settled_date = `date` stamped, totals equal to the lines' sums.
domain::settlement_file build_settlement_file(
  const std::string& date, std::vector<settled_item> items,
  const std::vector<discrepancy>& distortions, const settlement_terms& terms);

}  // namespace pay::pspsim
