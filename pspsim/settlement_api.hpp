// Settlement files and their test controls:
//   GET    /v1/settlement_files/{YYYY-MM-DD}   the day's CSV (Bearer key)
//   PUT    /sim/settlement_files/{date}        serve this body verbatim instead
//   DELETE /sim/settlement_files/{date}        back to the generated file
//   POST   /sim/settlement_discrepancies       inject a distortion (JSON)
//   GET    /sim/settlement_discrepancies?date= the distortions of a day
//   POST   /sim/payouts/{id}/fail              a pending payout fails now
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "domain/reconcile/settlement_line.hpp"
#include "http/server.hpp"
#include "pspsim/sim_parts.hpp"
#include "pspsim/sim_time.hpp"

namespace pay::pspsim {

constexpr std::string_view settlement_files_path = "/v1/settlement_files";
constexpr std::string_view sim_settlement_files_path = "/sim/settlement_files/";

// Authentication is checked by handle_v1 before this runs.
http::response get_settlement_file(const http::request& req,
                                   std::string_view date,
                                   const sim_parts& parts, const sim_time& now);

// The generated file of a valid date, distortions applied (ignores any
// verbatim override).
domain::settlement_file settlement_file_of(const std::string& date,
                                           const sim_parts& parts,
                                           const sim_time& now);

// The /sim routes above; nullopt when the path is none of them.
std::optional<http::response> handle_settlement_sim(const http::request& req,
                                                    const sim_parts& parts,
                                                    const sim_time& now);

}  // namespace pay::pspsim
