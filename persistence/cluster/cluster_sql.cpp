#include "persistence/cluster/cluster_sql.hpp"

#include "persistence/cluster/statements.hpp"

namespace pay::persistence {

namespace sql_c = sql::cluster;

std::uint64_t join_cluster(pqxx::work& txn, const std::string& node_id,
                           const std::string& address, std::uint32_t lease_ms) {
  return txn.exec_params1(sql_c::join, node_id, address, lease_ms)[0]
    .as<std::uint64_t>();
}

bool renew_lease(pqxx::work& txn, const domain::node_identity& me,
                 std::uint32_t lease_ms) {
  return txn.exec_params1(sql_c::renew, me.node_id, me.epoch, lease_ms)[0]
    .as<bool>();
}

taken_over_work take_over(pqxx::work& txn, const domain::node_identity& me,
                          std::uint32_t limit, bool unowned) {
  taken_over_work out;
  for (const auto& row : txn.exec_params(sql_c::take_over, me.node_id, me.epoch,
                                         limit, unowned)) {
    auto kind = row[0].as<std::string>();
    auto id = row[1].as<std::string>();
    if (kind == "checkout")
      out.checkouts.push_back(std::move(id));
    else if (kind == "refund")
      out.refunds.push_back(std::move(id));
    else
      out.payouts.push_back(std::move(id));
  }
  return out;
}

bool may_run_job(pqxx::work& txn, const std::string& job) {
  return txn.exec_params1(sql_c::may_run, job)[0].as<bool>();
}

bool hold_job(pqxx::work& txn, const std::string& job,
              const domain::node_identity& me) {
  return txn.exec_params1(sql_c::hold_job, job, me.node_id, me.epoch)[0]
    .as<bool>();
}

cluster_view load_cluster_view(pqxx::work& txn) {
  cluster_view out;
  for (const auto& row : txn.exec(sql_c::list_nodes)) {
    cluster_node_row n;
    n.node_id = row[0].as<std::string>();
    n.epoch = row[1].as<std::uint64_t>();
    n.address = row[2].as<std::string>();
    n.joined_at = row[3].as<std::string>();
    n.heartbeat_age_ms = row[4].as<std::int64_t>();
    n.lease_left_ms = row[5].as<std::int64_t>();
    n.live = row[6].as<bool>();
    n.released = row[7].as<bool>();
    n.taken_over = row[8].as<std::uint64_t>();
    n.last_takeover_at = row[9].as<std::string>();
    n.checkouts_owned = row[10].as<std::uint64_t>();
    out.nodes.push_back(std::move(n));
  }
  for (const auto& row : txn.exec(sql_c::list_jobs))
    out.jobs.push_back({row[0].as<std::string>(), row[1].as<std::string>(),
                        row[2].as<std::uint64_t>(), row[3].as<std::string>()});
  return out;
}

}  // namespace pay::persistence
