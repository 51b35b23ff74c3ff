#pragma once
// Reconciliation runs and exceptions as the admin API shows them. Money
// leaves as decimal strings in the currency's exponent, with the minor units
// alongside.

#include <string>

#include <boost/json/object.hpp>

#include "domain/reconcile/reconciliation_records.hpp"

namespace pay::gateway {

boost::json::object run_json(const reconciliation_report& run);

// With "settlement_suspense" (what its line posts there now, null when
// nothing) and "correction" (the entry its resolution booked: transaction
// id, target account and the target's posting, null when none).
boost::json::object exception_json(const reconciliation_exception_view& e);

// The answer of a resolution: the exception, and "outcome": "booked" (a
// correcting entry was written), "nothing_to_book" (its line holds nothing
// in suspense) or "already_resolved" (the same resolution again).
std::string render_resolution(const resolve_reconciliation_reply& reply);

}  // namespace pay::gateway
