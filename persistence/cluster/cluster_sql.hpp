#pragma once
// The SQL of cluster membership (migration 012 holds the functions these
// call): joining as a new incarnation, renewing its lease, taking over the
// work of dead incarnations, holding cluster-wide jobs, and the operator's
// view of the nodes.

#include <cstdint>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "domain/cluster/cluster_view.hpp"
#include "domain/cluster/ownership.hpp"

namespace pay::persistence {

// A new epoch for `node_id`, whose lease runs `lease_ms` from now. The
// previous incarnation's lease ends, after its writes in flight.
std::uint64_t join_cluster(pqxx::work& txn, const std::string& node_id,
                           const std::string& address, std::uint32_t lease_ms);

// False: the lease had run out already (the incarnation is dead for good).
bool renew_lease(pqxx::work& txn, const domain::node_identity& me,
                 std::uint32_t lease_ms);

struct taken_over_work {
  std::vector<std::string> checkouts;
  std::vector<std::string> refunds;
  std::vector<std::string> payouts;
  std::size_t size() const {
    return checkouts.size() + refunds.size() + payouts.size();
  }
};

// At most `limit` unfinished checkouts, refunds and pay-outs of dead
// incarnations, now owned by `me` (`unowned`: also those nobody owns).
taken_over_work take_over(pqxx::work& txn, const domain::node_identity& me,
                          std::uint32_t limit, bool unowned);

// True when this connection's node may run `job` now: always when it is
// not in a cluster, else when its incarnation holds the job.
bool may_run_job(pqxx::work& txn, const std::string& job);

// True when `me` holds `job` now (it did, or its holder is dead).
bool hold_job(pqxx::work& txn, const std::string& job,
              const domain::node_identity& me);

// Every live incarnation and every dead one whose work is not taken over
// yet, plus the latest incarnation of each node, and the jobs' holders.
cluster_view load_cluster_view(pqxx::work& txn);

}  // namespace pay::persistence
