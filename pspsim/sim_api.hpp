// Test-only introspection and control, no authentication, no added latency,
// never faulted:
//   GET    /sim/charges           {"data":[charge, ...]} in creation order
//   GET    /sim/idempotency_keys  {"<key>": <times charged>} (never above 1)
//   GET    /sim/stats             counters, with "faults_injected" by kind
//   POST   /sim/reset             forget everything, faults off
//   POST   /sim/faults            set the fault config (JSON), restart its stream
//   GET    /sim/faults            the config and "injected" counters
//   DELETE /sim/faults            faults off, counters kept
#pragma once

#include "http/server.hpp"
#include "pspsim/fault_injector.hpp"
#include "pspsim/intent_store.hpp"
#include "pspsim/sim_time.hpp"

namespace pay::pspsim {

http::response handle_sim(const http::request& req, intent_store& store,
                          fault_injector& faults, const sim_time& now);

}  // namespace pay::pspsim
