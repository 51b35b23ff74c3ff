// pspsim's seeded fault injection as the harness drives it: POST
// /sim/faults to switch faults on (moderately) or off, GET /sim/faults for
// the counters of what was injected. A pspsim without the routes answers
// 404; that is reported as `supported = false`, not as an error.
#pragma once

#include <cstdint>
#include <string>

#include "http/sync_client.hpp"

namespace pay::chaos {

// Probabilities are test configuration, not money: doubles in [0, 1].
struct fault_profile {
  std::uint64_t seed = 0;
  double error_500 = 0;
  double error_429 = 0;
  std::uint32_t latency_ms = 0;
  std::uint32_t latency_jitter_ms = 0;
  double reset_before_commit = 0;
  double reset_after_commit = 0;
  double timeout_after_commit = 0;
  // How long timeout_after_commit holds the answer: longer than paymentd's
  // PSP timeout, so paymentd gives up on a request that did charge.
  std::uint32_t hold_ms = 0;
  double duplicate_processing = 0;
};

// The round's faults: every kind at a moderate rate, or `scale` times it.
fault_profile moderate_faults(std::uint64_t seed,
                              std::uint32_t psp_request_timeout_ms,
                              double scale = 1.0);
// Everything off (what quiescing runs under).
fault_profile no_faults();

struct faults_status {
  bool supported = false;  // pspsim has /sim/faults
  std::string error;       // empty on success (or when unsupported)
};
faults_status set_faults(http::sync_client& sim, const fault_profile& profile);

struct fault_counters {
  bool supported = false;
  std::int64_t injected_total = 0;
  std::string detail;  // the counters as pspsim sent them, for the report
  std::string error;
};
fault_counters read_fault_counters(http::sync_client& sim);

}  // namespace pay::chaos
