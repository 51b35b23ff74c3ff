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
};

payment_service_actor spawn_payment_service(caf::actor_system& sys,
                                            collaborators deps,
                                            payment_service_options options);

}  // namespace pay
