#pragma once

#include <chrono>

#include <caf/all.hpp>

#include "actors/collaborators.hpp"
#include "messages/payment_service_protocol.hpp"

namespace pay {

struct payment_service_options {
  std::uint32_t recovery_batch_max = 10'000;
  // Longest a first request under an Idempotency-Key may take to store its
  // answer before its joiners are released with a retryable error.
  std::chrono::milliseconds key_completion_timeout{120'000};
  // Past this execution backlog a new checkout is refused (overloaded).
  std::uint32_t backlog_max = 20'000;
  std::uint32_t retry_after_s = 1;  // told to a refused client
  // No risk rule configured: every checkout is stored already allowed.
  bool allow_without_risk_check = false;
  // An Idempotency-Key older than this is forgotten: its next use is a new
  // request (Stripe keeps keys 24 hours).
  std::uint32_t idempotency_ttl_s = 86'400;
};

payment_service_actor spawn_payment_service(caf::actor_system& sys,
                                            collaborators deps,
                                            payment_service_options options);

}  // namespace pay
