#include "gateway/ops/cluster_render.hpp"

#include <boost/json.hpp>

namespace pay::gateway {

namespace {

boost::json::object render_node(const cluster_node_row& n) {
  return {
    {"node_id", n.node_id},
    {"epoch", n.epoch},
    {"address", n.address},
    {"joined_at", n.joined_at},
    {"status", n.live       ? "live"
               : n.released ? "gone"
                            : "dead"},
    {"heartbeat_age_ms", n.heartbeat_age_ms},
    {"lease_left_ms", n.lease_left_ms},
    {"checkouts_owned", n.checkouts_owned},
    {"taken_over", n.taken_over},
    {"last_takeover_at", n.last_takeover_at.empty()
                           ? boost::json::value(nullptr)
                           : boost::json::value(n.last_takeover_at)},
  };
}

}  // namespace

std::string render_cluster(const domain::node_identity& me,
                           const cluster_view& view) {
  boost::json::array nodes;
  for (const auto& n : view.nodes) nodes.push_back(render_node(n));
  boost::json::array jobs;
  for (const auto& j : view.jobs)
    jobs.push_back({{"job", j.job},
                    {"node_id", j.node_id},
                    {"epoch", j.epoch},
                    {"held_since", j.held_since}});
  boost::json::object out{
    {"object", "cluster"},
    {"mode", me.clustered() ? "cluster" : "single"},
    {"this_node", me.clustered() ? boost::json::value(boost::json::object{
                    {"node_id", me.node_id}, {"epoch", me.epoch}})
                                 : boost::json::value(nullptr)},
    {"nodes", std::move(nodes)},
    {"jobs", std::move(jobs)},
  };
  return boost::json::serialize(out);
}

}  // namespace pay::gateway
