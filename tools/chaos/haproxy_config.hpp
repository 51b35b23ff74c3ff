// HAProxy in front of a round's paymentd nodes, configured as
// tests/cluster/cluster_stack.cpp and scripts/lib/haproxy.sh do: round-robin,
// a node is up while GET /readyz answers 200, and only a request that never
// reached a node (connection failure) is sent again to another one; a POST
// a node may have acted on is never repeated by HAProxy itself.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pay::chaos {

std::string paymentd_haproxy_config(
  std::uint16_t public_port, const std::vector<std::uint16_t>& node_ports);

}  // namespace pay::chaos
