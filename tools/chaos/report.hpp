// What a chaos run prints: one table row per round as it finishes, then
// every violation precisely, with the command that replays its round.
#pragma once

#include <ostream>
#include <vector>

#include "tools/chaos/options.hpp"
#include "tools/chaos/round.hpp"

namespace pay::chaos {

// With --nodes N > 1 the table has a "pauses" column after "pg".
void print_table_header(std::ostream& out, const chaos_options& options);
void print_table_row(std::ostream& out, const round_outcome& r,
                     const chaos_options& options);
// Events, warnings and violations of one round; violations with the replay
// command built from `options`.
void print_round_details(std::ostream& out, const round_outcome& r,
                         const chaos_options& options);
void print_summary(std::ostream& out, const std::vector<round_outcome>& rounds,
                   const chaos_options& options);

}  // namespace pay::chaos
