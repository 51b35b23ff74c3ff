// Checks the checker. A harness whose checks cannot fail proves nothing, so
// `chaos --self-test` runs one small calm round (no faults, no kills), which
// must come out clean, then stops paymentd and breaks the result on purpose,
// one way at a time (a wallet off by one minor unit, a SUCCESS order back to
// EXECUTING, an unbalanced ledger entry, a history row going backwards, a
// stray pspsim charge, a lost or altered acknowledged checkout, a refused
// checkout that was stored), and requires each break to be reported under
// the right invariant.
#pragma once

#include <ostream>

#include "tools/chaos/options.hpp"
#include "tools/chaos/round.hpp"

namespace pay::chaos {

// 0 when the calm round was clean and every break was caught, else 1.
int run_self_test(const chaos_options& options, const environment& env,
                  std::ostream& out);

}  // namespace pay::chaos
