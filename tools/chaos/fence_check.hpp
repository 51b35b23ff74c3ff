// Invariant 14, in cluster rounds only: nothing was written by an
// incarnation (node_id:epoch) after the moment it lost its lease. The
// database fences every write of a node whose lease ran out (migration
// 012_cluster.sql); this checks the rows that carry their writer:
// payment_order_history (written_by, at) and ledger_transaction
// (written_by, created_at). Both times are the writing transaction's start
// (now()), so a row stamped after its writer's lease_expires_at came from a
// transaction that began when the writer was already dead: a write the
// fence should have refused. (A transaction that began before and wrote
// after the expiry is not seen here; the fence's own check at each
// statement covers it.) The lease_expires_at of an incarnation that is no
// longer current is when it ended: run out, or cut short by the next epoch
// of its node joining (pay_join).
#pragma once

#include <cstdint>
#include <string>

#include "tools/chaos/violation.hpp"

namespace pay::chaos {

// Also says how many incarnations the round had, for the events.
struct fence_check_result {
  violations found;
  std::int64_t incarnations = 0;
  std::int64_t rows_checked = 0;
};

fence_check_result check_fenced_writes(const std::string& database_url);

}  // namespace pay::chaos
