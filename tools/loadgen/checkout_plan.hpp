// What loadgen sends: checkout number n of a run, derived only from the
// options and n, so a seed replays the same load.
#pragma once

#include <cstdint>
#include <string>

#include "tools/loadgen/options.hpp"

namespace pay::loadgen {

struct planned_checkout {
  std::string checkout_id;  // lg_<run>_<n>; its orders are lg_<run>_<n>_<k>
  std::string body;         // the POST /v1/payments JSON
  std::uint32_t orders = 0;
};

// Amounts are 1.00 to 999.99 in two-decimal currencies (100 to 99999 minor
// units in any): well inside pspsim's limit, so no order fails for size.
inline constexpr std::int64_t amount_minor_min = 100;
inline constexpr std::int64_t amount_minor_max = 99'999;

planned_checkout plan_checkout(const loadgen_options& options,
                               std::uint64_t index);

}  // namespace pay::loadgen
