// Test-only introspection and control, no authentication, no added latency,
// never faulted:
//   GET    /sim/charges           {"data":[charge, ...]} in creation order
//   GET    /sim/idempotency_keys  {"<key>": <times charged>} (above 1 only
//                                  when a key was reused after it expired)
//   GET    /sim/refunds           {"data":[refund + idempotency_key, ...]}
//   GET    /sim/refund_counts     POST /v1/refunds per key, refunds per intent
//   GET    /sim/clock             {"offset_s","now"}: the simulated clock
//   POST   /sim/clock/advance?seconds=N  move it forward; settle what is due
//   GET    /sim/stats             counters, with "faults_injected" by kind
//   POST   /sim/reset             forget everything (intents, refunds,
//                                  payouts, distortions, files), faults off,
//                                  the clock back to real time
//   POST   /sim/faults            set the fault config (JSON), restart its stream
//   GET    /sim/faults            the config and "injected" counters
//   DELETE /sim/faults            faults off, counters kept
//   GET    /sim/payment_intents/{id}  authorized, captured and released
//                                  amounts of an intent
//   POST   /sim/payment_intents/{id}/complete_action?result=succeed|fail
//   POST   /sim/payment_intents/{id}/review?result=approve|reject
//   GET    /sim/webhooks          every event, its attempts and state
//   POST   /sim/webhooks/{id}/resend  deliver an event again
//   POST   /sim/payouts/{id}/fail     a pending payout fails now
//   POST|GET /sim/settlement_discrepancies, PUT|DELETE /sim/settlement_files/{date}
//                                   (settlement_api)
#pragma once

#include "http/server.hpp"
#include "pspsim/sim_parts.hpp"
#include "pspsim/sim_time.hpp"

namespace pay::pspsim {

http::response handle_sim(const http::request& req, const sim_parts& parts,
                          const sim_time& now);

}  // namespace pay::pspsim
