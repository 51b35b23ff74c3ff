#pragma once
// The reconciler's finance desk: the runs' and exceptions' listings, an
// exception's resolution with its correcting entry, and the trial balance,
// on a database connection of its own so none of them waits behind a run.

#include <string>

#include <caf/all.hpp>

#include "messages/reconcile/reconciler_protocol.hpp"

namespace pay {

// Detached: it blocks on PostgreSQL.
finance_store_actor spawn_finance_store(caf::actor_system& sys,
                                        std::string database_url);

}  // namespace pay
