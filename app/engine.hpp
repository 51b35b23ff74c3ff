#pragma once
// The actor side of paymentd, wired from its settings: every shared actor,
// spawned once, and stopped together.

#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/common/collaborators.hpp"
#include "config/settings.hpp"
#include "domain/cluster/ownership.hpp"
#include "messages/cluster/cluster_protocol.hpp"
#include "messages/common/psp_client_protocol.hpp"
#include "messages/ops/watchdog_protocol.hpp"
#include "messages/payin/payment_service_protocol.hpp"
#include "messages/payin/poll_waker_protocol.hpp"
#include "messages/payout/payout_protocol.hpp"
#include "messages/reconcile/reconciler_protocol.hpp"
#include "messages/refund/refund_protocol.hpp"

namespace pay {

struct engine {
  collaborators deps;
  psp_client_actor psp;
  payment_service_actor service;
  watchdog_actor watchdog;
  poll_waker_actor waker;
  // After pay-in: refunds, pay-outs and reconciliation.
  refund_service_actor refunds;
  payout_service_actor payouts;
  reconciler_actor reconciler;
  // In a cluster: the node's lease, and takeover of dead nodes' work.
  lease_keeper_actor lease;
  takeover_actor takeover;
};

struct engine_result {
  engine value;
  std::string error;  // empty on success
};

// Spawns everything and starts recovery of unfinished checkouts. In a
// cluster (`me` names a node), cfg.database_url must carry the node's
// settings (domain::with_node_settings): every write is fenced by its lease.
engine_result start_engine(caf::actor_system& sys, const settings& cfg,
                           const domain::node_identity& me);

// Stops the service first (it stops live checkouts and their orders), then
// the shared actors.
void stop_engine(const engine& e);

}  // namespace pay
