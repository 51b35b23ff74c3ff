#pragma once
// The pay-out side's database actor: detached (it blocks on PostgreSQL),
// one connection, one transaction per command (per seller and currency for
// a run). Failures come back as errors; the callers retry.

#include <caf/all.hpp>

#include "messages/payout/payout_protocol.hpp"

namespace pay {

struct payout_store_options {
  std::string database_url;
  std::int64_t hold_s = 0;  // for the wallet split's "pending"
};

payout_store_actor spawn_payout_store(caf::actor_system& sys,
                                      payout_store_options options);

}  // namespace pay
