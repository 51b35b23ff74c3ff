#pragma once
// The refund service: creates refunds through the refund store (which
// checks what is left to refund under the order's row lock), keeps one
// refund actor per unfinished refund alive (restarting one that crashed),
// answers reads, and on `refund_recover_atom` gives every unfinished refund
// in the database its actor again.

#include <chrono>
#include <cstdint>
#include <vector>

#include <caf/all.hpp>

#include "actors/refund/refund.hpp"

namespace pay {

struct refund_service_options {
  // Creates and reads spread over these by order id, so refunds of other
  // orders do not wait for each other's transactions.
  std::vector<refund_store_actor> stores;
  refund_deps deps;  // deps.store: the store the refund actors use
  std::uint32_t recovery_refunds_max = 100'000;
  std::chrono::milliseconds restart_delay{1'000};
  std::uint32_t restarts_max = 3;  // domain/common/restart_budget.hpp
};

refund_service_actor spawn_refund_service(caf::actor_system& sys,
                                          refund_service_options options);

}  // namespace pay
