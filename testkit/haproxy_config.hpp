// HAProxy in front of paymentd nodes for the cluster tests and the chaos
// harness, configured as scripts/lib/haproxy.sh does: round-robin,
// a node is up while GET /readyz answers 200, and only a request that never
// reached a node (connection failure) is sent again to another one; a POST
// a node may have acted on is never repeated by HAProxy itself.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pay::it {

std::string paymentd_haproxy_config(
  std::uint16_t public_port, const std::vector<std::uint16_t>& node_ports);

}  // namespace pay::it
