#pragma once
// GET /admin/cluster as JSON.

#include <string>

#include "domain/cluster/cluster_view.hpp"
#include "domain/cluster/ownership.hpp"

namespace pay::gateway {

// `me`: the node answering (empty node id: paymentd runs alone, and the
// view says so with no nodes).
std::string render_cluster(const domain::node_identity& me,
                           const cluster_view& view);

}  // namespace pay::gateway
