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
  // psp.retry_*: the backoff, and with retry_deadline the retry budget of a
  // CREATED refund (domain/refund/refund_dead_letter.hpp).
  domain::backoff_policy retry;
  std::chrono::milliseconds retry_deadline{120'000};
  domain::poll_policy poll;  // reading a PENDING refund back
  std::chrono::milliseconds store_timeout{30'000};
  std::chrono::milliseconds psp_timeout{15'000};
  // How long the PSP surely keeps an idempotency key (Stripe: at least 24
  // h). A refund older than this looks itself up before it POSTs again.
  std::int64_t key_trust_s = 23 * 3600;
};

// The PSP call that creates the refund: the same form and the same
// idempotency key (our refund id) on every attempt, so no retry within the
// key's lifetime can refund twice.
psp_call make_refund_call(const refund_work& work,
                          const std::string& correlation_id);
// GET /v1/refunds/{re}: a PENDING refund read back by the id the PSP gave.
psp_call make_get_refund_call(const std::string& psp_reference,
                              const std::string& correlation_id);
// GET /v1/refunds?payment_intent=: the order's refunds at the PSP, to find
// ours by metadata[refund_id] before POSTing after the key may be gone.
psp_call make_find_refunds_call(const std::string& payment_intent,
                                const std::string& correlation_id);

struct refund_state {
  refund_deps deps;
  refund_service_actor service;
  refund_work row;
  bool loaded = false;
  std::string correlation_id;
  domain::retry_schedule schedule;  // our side's failures, PSP attempts
  bool in_flight = false;           // a PSP or store call is running
  bool poke_pending = false;        // a webhook came meanwhile: ask again
  // Set once the budget is spent: every step from then on parks it.
  std::string park_reason;
  std::string park_error;
  std::uint64_t timer_generation = 0;
  static inline const char* name = "refund";
};

// Spawned (monitored and linked) by the refund service; loads its row and
// drives it to SUCCEEDED or FAILED (through PENDING when the PSP has not
// decided), or parks it in the dead-letter queue once its retry budget is
// spent, then tells `service` and quits.
refund_actor::behavior_type refund_behavior(
  refund_actor::stateful_pointer<refund_state> self, refund_deps deps,
  std::string refund_id, refund_service_actor service,
  std::string correlation_id);

}  // namespace pay
