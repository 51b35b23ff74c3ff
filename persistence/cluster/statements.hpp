#pragma once
// The cluster's SQL (persistence/cluster/cluster_sql.cpp runs it); the
// functions called live in migration 012.

namespace pay::persistence::sql::cluster {

inline constexpr const char* join = "SELECT pay_join($1, $2, $3)";

inline constexpr const char* renew =
  "SELECT coalesce(pay_renew($1, $2, $3), false)";

inline constexpr const char* take_over =
  "SELECT kind, id FROM pay_take_over($1, $2, $3, $4)";

inline constexpr const char* may_run = "SELECT pay_may_run($1)";

inline constexpr const char* hold_job =
  "SELECT coalesce(pay_hold_job($1, $2, $3), false)";

// Unfinished checkouts per owner come from the unfinished-orders index.
inline constexpr const char* list_nodes =
  "WITH owned AS ("
  "  SELECT e.owner_node, e.owner_epoch, count(DISTINCT e.checkout_id) AS n"
  "    FROM payment_order o JOIN payment_event e USING (checkout_id)"
  "   WHERE o.status IN ('NOT_STARTED', 'EXECUTING', 'PENDING')"
  "   GROUP BY 1, 2)"
  " SELECT c.node_id, c.epoch, c.address,"
  "  to_char(c.joined_at AT TIME ZONE 'UTC',"
  "          'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'),"
  "  (extract(epoch FROM clock_timestamp() - c.heartbeat_at) * 1000)::bigint,"
  "  (extract(epoch FROM c.lease_expires_at - clock_timestamp()) * 1000)"
  "    ::bigint,"
  "  c.released_at IS NULL AND c.lease_expires_at > clock_timestamp(),"
  "  c.released_at IS NOT NULL, c.taken_over,"
  "  coalesce(to_char(c.last_takeover_at AT TIME ZONE 'UTC',"
  "                   'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), ''),"
  "  coalesce(owned.n, 0)"
  " FROM cluster_node c"
  " LEFT JOIN owned ON (owned.owner_node, owned.owner_epoch)"
  "                    = (c.node_id, c.epoch)"
  " WHERE c.released_at IS NULL"
  "    OR c.epoch = (SELECT max(epoch) FROM cluster_node l"
  "                   WHERE l.node_id = c.node_id)"
  " ORDER BY c.node_id, c.epoch DESC";

inline constexpr const char* list_jobs =
  "SELECT job, node_id, epoch, to_char(held_since AT TIME ZONE 'UTC',"
  " 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') FROM cluster_job ORDER BY job";

}  // namespace pay::persistence::sql::cluster
