#pragma once
// One actor per unfinished refund; the only writer of its row while it runs.

#include <chrono>
#include <string>

#include <caf/all.hpp>

#include "domain/common/retry_schedule.hpp"
#include "messages/common/psp_client_protocol.hpp"
#include "messages/refund/refund_protocol.hpp"

namespace pay {

struct refund_deps {
  refund_store_actor store;
  psp_client_actor psp;
  domain::backoff_policy retry;
  std::chrono::milliseconds store_timeout{30'000};
  std::chrono::milliseconds psp_timeout{15'000};
};

// The PSP call a refund makes on every attempt: the same form and the same
// idempotency key (our refund id), so no retry can refund twice.
psp_call make_refund_call(const refund_work& work,
                          const std::string& correlation_id);

struct refund_state {
  refund_deps deps;
  refund_service_actor service;
  refund_work row;
  bool loaded = false;
  std::string correlation_id;
  domain::retry_schedule schedule;  // our side's failures, PSP attempts
  static inline const char* name = "refund";
};

// Spawned (monitored and linked) by the refund service; loads its row and
// drives it to SUCCEEDED or FAILED, then tells `service` and quits.
refund_actor::behavior_type refund_behavior(
  refund_actor::stateful_pointer<refund_state> self, refund_deps deps,
  std::string refund_id, refund_service_actor service,
  std::string correlation_id);

}  // namespace pay
