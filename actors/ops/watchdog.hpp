#pragma once

#include <chrono>

#include <caf/all.hpp>

#include "messages/ops/dlq_protocol.hpp"
#include "messages/ops/watchdog_protocol.hpp"
#include "messages/payin/payment_service_protocol.hpp"

namespace pay {

struct watchdog_options {
  std::chrono::milliseconds interval{10'000};
  std::uint32_t stuck_after_ms = 60'000;
  std::uint32_t batch_max = 100;
  // Found stuck this many scans in a row despite being resumed: dead-letter.
  std::uint32_t sightings_max = 3;
  std::chrono::milliseconds request_timeout{30'000};
};

watchdog_actor spawn_watchdog(caf::actor_system& sys, store_pool stores,
                              payment_service_actor service, dlq_actor dlq,
                              watchdog_options options);

}  // namespace pay
