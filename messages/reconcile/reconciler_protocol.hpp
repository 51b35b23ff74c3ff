#pragma once
// The reconciler: fetches a day's settlement file from the PSP, matches it
// against our books and routes every mismatch by the policy in
// domain/reconcile/reconcile_policy.hpp. Runs on a daily schedule and on
// demand. Behind one handle, two detached workers (each blocks on
// PostgreSQL): the runner, whose runs take minutes on a big day, and the
// finance store, so that finance's reads, resolutions and the trial balance
// never wait behind a run.

#include <cstdint>

#include <caf/all.hpp>

#include "domain/ledger/trial_balance.hpp"
#include "domain/reconcile/reconciliation_records.hpp"

namespace pay {

// Internal: the daily schedule's timer.
using reconcile_daily_atom = caf::atom_constant<caf::atom("recdaily")>;
// Internal: the runner's follow-up of exceptions whose order still waited
// on the PSP, with the round (its delays grow).
using reconcile_follow_up_atom = caf::atom_constant<caf::atom("recfollow")>;

using reconciler_actor = caf::typed_actor<
  caf::replies_to<run_reconciliation>::with<reconciliation_report>,
  caf::replies_to<list_reconciliation_runs>::with<reconciliation_runs>,
  caf::replies_to<list_reconciliation_exceptions>::with<
    reconciliation_exceptions>,
  caf::replies_to<get_reconciliation_exception>::with<
    reconciliation_exception_lookup>,
  caf::replies_to<resolve_reconciliation_exception>::with<
    resolve_reconciliation_reply>,
  caf::replies_to<read_trial_balance>::with<trial_balance>>;

// Internal: runs, one at a time, and what follows them.
using reconcile_runner_actor = caf::typed_actor<
  caf::replies_to<run_reconciliation>::with<reconciliation_report>,
  caf::reacts_to<reconcile_daily_atom>,
  caf::reacts_to<reconcile_follow_up_atom, std::uint32_t>>;

// Internal: finance's reads and resolutions.
using finance_store_actor = caf::typed_actor<
  caf::replies_to<list_reconciliation_runs>::with<reconciliation_runs>,
  caf::replies_to<list_reconciliation_exceptions>::with<
    reconciliation_exceptions>,
  caf::replies_to<get_reconciliation_exception>::with<
    reconciliation_exception_lookup>,
  caf::replies_to<resolve_reconciliation_exception>::with<
    resolve_reconciliation_reply>,
  caf::replies_to<read_trial_balance>::with<trial_balance>>;

}  // namespace pay
