#pragma once
// The reconciler's runs (reconciler.hpp's options), one at a time: the
// daily one and those asked for, and the follow-up after them.

#include <caf/all.hpp>

#include "actors/reconcile/reconciler.hpp"

namespace pay {

// Detached: it blocks on PostgreSQL and on the PSP's answers. Runs are
// serialised by its mailbox, so two runs of one day never interleave here
// (and the day's lock keeps other nodes' apart).
reconcile_runner_actor spawn_reconcile_runner(caf::actor_system& sys,
                                              reconciler_options options);

}  // namespace pay
