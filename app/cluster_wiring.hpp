#pragma once
// paymentd as one node of a cluster (docs/operations.md): joining as a new
// incarnation, and what happens when its lease is gone.

#include <string>

#include "config/settings.hpp"
#include "domain/cluster/ownership.hpp"

namespace pay {

// Kept so that a fenced node can start itself again with the same
// arguments (and environment).
void remember_command_line(int argc, char** argv);

struct join_result {
  domain::node_identity me;
  std::string error;  // empty on success
};

// A new epoch for cfg.cluster_node_id, or an empty identity when the
// node id is empty (paymentd runs alone). Waits for the database while it
// is away (a failover, or still starting).
join_result join_as_node(const settings& cfg);

// The address other nodes forward requests to: cluster.advertise_url, or
// this node's own http(s)://address:port.
std::string advertise_url(const settings& cfg);

// Installs the fence: a write the database refuses is counted, and the
// lease keeper's next renewal (which finds the lease gone) rejoins.
void install_fence_counter();

// The lease is gone: every actor of this incarnation may hold state that
// is no longer true, so the node drops them all (the whole process image)
// and starts again as a new epoch, with the same command line. Crash-only
// on purpose: no actor of the old epoch can survive an exec, which an
// in-process restart could not promise as simply.
[[noreturn]] void rejoin(const std::string& why);

}  // namespace pay
