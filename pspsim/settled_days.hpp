// What settled, day by day, from the stores: the one source of both the
// settlement CSV (GET /v1/settlement_files/{date}) and the balance
// transactions (GET /v1/balance_transactions), so reconciliation finds the
// same lines, distortions included, whichever it reads (but for transfer
// reversals, which the CSV has no type for).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "pspsim/settlement_builder.hpp"
#include "pspsim/sim_parts.hpp"
#include "pspsim/sim_time.hpp"

namespace pay::pspsim {

// The UTC days that overlap [from_unix_s, to_unix_s), each with everything
// that settled on it (charges when captured: automatic ones when their
// intent succeeded, manual ones for the captured part), refunds when they
// succeeded for good, the platform's payouts and their fee lines when paid,
// transfers to connected accounts and their reversals when created) and its
// distortions applied, in file order. Reversals are listed too, though
// the file leaves them out (in_settlement_file). A day that only holds distortions is
// listed too; a day with neither is left out. from_unix_s >= 0.
std::map<std::string, std::vector<settled_item>> settled_days(
  std::int64_t from_unix_s, std::int64_t to_unix_s, const sim_parts& parts,
  const sim_time& now);

}  // namespace pay::pspsim
