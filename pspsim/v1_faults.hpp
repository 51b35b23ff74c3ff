// Applies one drawn fault to a /v1 request: answers in the PSP's place
// (500, 429), processes and then loses the answer (resets), or processes the
// request twice. What a fault leaves stored is exactly what a real PSP's
// idempotency layer would: nothing for 500/429/reset_before_commit, the
// committed answer for everything after the commit.
#pragma once

#include <string_view>

#include "http/server.hpp"
#include "pspsim/fault_config.hpp"
#include "pspsim/fault_injector.hpp"
#include "pspsim/sim_parts.hpp"
#include "pspsim/sim_time.hpp"

namespace pay::pspsim {

// handle_v1 with `fault` applied; fault_kind::none is handle_v1 itself.
// Counts the fault in `faults` when it was injected: duplicate_processing
// is skipped (and not counted) unless the first run stored an answer under
// an Idempotency-Key, because without one a second run would charge twice,
// which no idempotent PSP does.
http::response handle_v1_with_fault(const http::request& req, fault_kind fault,
                                    const sim_parts& parts,
                                    std::string_view api_key,
                                    const sim_time& now);

}  // namespace pay::pspsim
