#pragma once
// The reconciler: fetches a day's settlement file from the PSP, matches it
// against our books and routes every mismatch by the policy in
// domain/reconcile/reconcile_policy.hpp. Runs on a daily schedule and on demand.

#include <caf/all.hpp>

#include "domain/reconcile/reconciliation_records.hpp"

namespace pay {

// Internal: the daily schedule's timer.
using reconcile_daily_atom = caf::atom_constant<caf::atom("recdaily")>;

using reconciler_actor = caf::typed_actor<
  caf::replies_to<run_reconciliation>::with<reconciliation_report>,
  caf::replies_to<list_reconciliation_runs>::with<reconciliation_runs>,
  caf::replies_to<list_reconciliation_exceptions>::with<
    reconciliation_exceptions>,
  caf::replies_to<resolve_reconciliation_exception>::with<
    resolve_reconciliation_reply>,
  caf::reacts_to<reconcile_daily_atom>>;

}  // namespace pay
