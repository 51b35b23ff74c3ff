#pragma once

#include <chrono>
#include <functional>
#include <string>

#include <caf/all.hpp>

#include "domain/cluster/ownership.hpp"
#include "messages/cluster/cluster_protocol.hpp"

namespace pay {

struct lease_keeper_options {
  std::string database_url;  // the node's own (fenced) URL
  domain::node_identity me;
  std::uint32_t lease_ms = 5'000;
  std::chrono::milliseconds renew_every{1'000};
  // Called once, from the keeper's thread, when the lease is gone: the
  // node must stop acting and join again (app/cluster_wiring.cpp).
  std::function<void(const std::string& why)> lost;
};

// Detached: a renewal never waits behind the actors' work.
lease_keeper_actor spawn_lease_keeper(caf::actor_system& sys,
                                      lease_keeper_options options);

}  // namespace pay
