#pragma once
// The pay-out service (also the scheduler): runs a release-and-create pass
// every interval and on request (runs never overlap: a request during a
// run is answered by the next one), gives every unfinished pay-out its
// actor (at creation and on start), routes payout webhooks to them, and
// forwards reads and fulfilment to the store.

#include <chrono>
#include <cstdint>
#include <string>

#include <caf/all.hpp>

#include "actors/payout/payout.hpp"
#include "messages/payout/payout_protocol.hpp"

namespace pay {

struct payout_service_options {
  std::uint32_t interval_s = 0;  // 0: only on request
  std::int64_t hold_s = 0;
  std::int64_t minimum_minor = 1;
  std::chrono::milliseconds run_timeout{120'000};
  std::chrono::milliseconds restart_delay{1'000};
  std::uint32_t restarts_max = 3;  // domain/common/restart_budget.hpp
  // connect.default_country: a new connected account's country when the
  // request names none.
  std::string default_country = "US";
};

payout_service_actor spawn_payout_service(caf::actor_system& sys,
                                          payout_deps deps,
                                          payout_service_options options);

}  // namespace pay
