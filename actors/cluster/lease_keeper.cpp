#include "actors/cluster/lease_keeper.hpp"

// Renews this node's lease every renew_every on a connection of its own.
//
//   HOLDING --renewed--> HOLDING
//      |  \--no answer (database away)--> HOLDING, tries again
//      +--lease gone (ran out while paused, or a newer epoch)--> lost()
//
// A database that does not answer is no reason to give up: the lease may
// still hold, and if it ran out meanwhile, the next renewal (or the first
// refused write) says so.

#include <memory>

#include <spdlog/spdlog.h>

#include "observability/metrics.hpp"
#include "persistence/cluster/cluster_sql.hpp"
#include "persistence/common/db_session.hpp"

namespace pay {

namespace {

struct lease_keeper_state {
  std::unique_ptr<persistence::db_session> db;
  bool lost = false;
  static inline const char* name = "lease_keeper";
};

using keeper_self = lease_keeper_actor::stateful_pointer<lease_keeper_state>;

void renew(keeper_self self, const lease_keeper_options& options) {
  auto& st = self->state;
  if (st.lost) return;
  bool renewed = false;
  auto started = std::chrono::steady_clock::now();
  auto error = st.db->in_transaction([&](pqxx::work& txn) {
    renewed = persistence::renew_lease(txn, options.me, options.lease_ms);
  });
  std::chrono::duration<double> took = std::chrono::steady_clock::now()
                                       - started;
  auto outcome = !error.empty() ? "error" : renewed ? "renewed" : "lost";
  obs::metrics::get().lease_renewal(outcome, took.count());
  if (!error.empty()) {
    spdlog::warn("cluster: cannot renew the lease of {} epoch {}: {}",
                 options.me.node_id, options.me.epoch, error);
  } else if (!renewed) {
    st.lost = true;
    options.lost("the lease ran out before it was renewed");
    return;
  }
  self->delayed_send(self, options.renew_every, lease_tick_atom::value);
}

lease_keeper_actor::behavior_type lease_keeper_behavior(
  keeper_self self, lease_keeper_options options) {
  self->state.db = std::make_unique<persistence::db_session>(
    options.database_url);
  self->send(self, lease_tick_atom::value);
  return {
    [=](lease_tick_atom) { renew(self, options); },
  };
}

}  // namespace

lease_keeper_actor spawn_lease_keeper(caf::actor_system& sys,
                                      lease_keeper_options options) {
  return sys.spawn<caf::detached>(lease_keeper_behavior, std::move(options));
}

}  // namespace pay
