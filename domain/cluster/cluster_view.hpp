#pragma once
// What GET /admin/cluster shows: every incarnation that is live or still
// owns unfinished work, the latest of every node, and who holds which
// cluster-wide job.

#include <cstdint>
#include <string>
#include <vector>

namespace pay {

struct cluster_node_row {
  std::string node_id;
  std::uint64_t epoch = 0;
  std::string address;
  std::string joined_at;
  std::int64_t heartbeat_age_ms = 0;
  std::int64_t lease_left_ms = 0;  // negative: ran out that long ago
  bool live = false;
  bool released = false;  // its unfinished work was all taken over
  std::uint64_t taken_over = 0;
  std::string last_takeover_at;       // empty: never
  std::uint64_t checkouts_owned = 0;  // unfinished ones
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cluster_node_row& x) {
  return f(x.node_id, x.epoch, x.address, x.joined_at, x.heartbeat_age_ms,
           x.lease_left_ms, x.live, x.released, x.taken_over,
           x.last_takeover_at, x.checkouts_owned);
}

struct cluster_job_row {
  std::string job;
  std::string node_id;
  std::uint64_t epoch = 0;
  std::string held_since;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cluster_job_row& x) {
  return f(x.job, x.node_id, x.epoch, x.held_since);
}

struct cluster_view {
  std::vector<cluster_node_row> nodes;  // by node id, newest epoch first
  std::vector<cluster_job_row> jobs;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cluster_view& x) {
  return f(x.nodes, x.jobs);
}

struct load_cluster {};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, load_cluster&) {
  return f();
}

}  // namespace pay
