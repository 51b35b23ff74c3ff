#pragma once
// One actor per unfinished pay-out: drives it through the provider until it
// is PAID or FAILED, or parks it in the dead-letter queue once a step's
// retry budget is spent, then stops. What it does next is computed from the
// persisted row alone, so a restarted actor resumes where the row says.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "domain/common/backoff.hpp"
#include "messages/common/psp_client_protocol.hpp"
#include "messages/payout/payout_protocol.hpp"

namespace pay {

struct payout_deps {
  payout_store_actor store;
  // Reads only (wallets, pay-outs, connected accounts), never queued behind
  // the writes on `store`; at least one.
  std::vector<payout_store_actor> readers;
  psp_client_actor psp;
  domain::backoff_policy retry;  // psp.retry_*: failed calls
  // With retry.attempts_max, the retry budget of a step
  // (domain/payout/payout_dead_letter.hpp).
  std::chrono::milliseconds retry_deadline{120'000};
  std::chrono::milliseconds psp_timeout{15'000};
  std::chrono::milliseconds store_timeout{30'000};
  // IN_TRANSIT: the first poll after this, doubling up to poll_max.
  std::chrono::milliseconds poll_base{500};
  std::chrono::milliseconds poll_max{30'000};
  // psp.idempotency_key_trust_s: a pay-out older than this looks its
  // transfer or pay-out up before creating it again.
  std::int64_t key_trust_s = 23 * 3600;
};

struct payout_args {
  payout_view row;  // as persisted
  std::string correlation_id;
};

payout_actor spawn_payout(caf::actor_system& sys, payout_deps deps,
                          payout_args args);

}  // namespace pay
