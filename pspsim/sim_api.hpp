// Test-only introspection, no authentication, no added latency:
//   GET  /sim/charges           {"data":[charge, ...]} in creation order
//   GET  /sim/idempotency_keys  {"<key>": <times charged>} (never above 1)
//   GET  /sim/stats             counters
//   POST /sim/reset             forget everything
#pragma once

#include "http/server.hpp"
#include "pspsim/intent_store.hpp"
#include "pspsim/sim_time.hpp"

namespace pay::pspsim {

http::response handle_sim(const http::request& req, intent_store& store,
                          const sim_time& now);

}  // namespace pay::pspsim
