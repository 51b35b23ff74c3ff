// One settled line as Stripe's BalanceTransaction object. Pure.
//
//   line (CSV)               txn type         amount fee net  category
//   charge  +A, F, A-F       charge           +A     F   A-F  charge
//   refund  -R, 0, -R        refund           -R     0   -R   refund
//   payout  -P, 0, -P        payout           -P     0   -P   payout
//   fee      0, F, -F        stripe_fee       -F     0   -F   fee
//   payout  -T, 0, -T (tr_)  transfer         -T     0   -T   transfer
//   (none)  +V, 0, +V (trr_) transfer_refund  +V     0   +V   transfer_reversal
//
// source: the charge (ch_), refund (re_), payout (po_; also for its fee
// line), transfer (tr_) or reversal (trr_) id, or with expand the object,
// whose metadata carries our ids (a transfer or reversal: whole, as its
// GET renders it).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "pspsim/settlement_builder.hpp"

namespace pay::pspsim {

// "txn_" and 24 alphanumerics derived from the line's type and reference
// and how many lines of that type and reference came before it
// (`occurrence`, 1 for a duplicate_line's copy): the same on every listing,
// so paging with starting_after holds while new lines arrive.
std::string balance_transaction_id(const settled_item& item,
                                   std::uint32_t occurrence);

std::string_view balance_transaction_type(const settled_item& item);

// `created_unix_s` is the item's settled time within its day.
boost::json::object balance_transaction_json(const settled_item& item,
                                             const std::string& id,
                                             std::int64_t created_unix_s,
                                             bool expand_source);

}  // namespace pay::pspsim
