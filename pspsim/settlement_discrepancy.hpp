// The settlement file distortions pspsim injects on demand (POST
// /sim/settlement_discrepancies), as plain data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "pspsim/intent.hpp"

namespace pay::pspsim {

enum class discrepancy_kind : std::uint8_t {
  unknown_charge = 1,     // an extra charge nobody ordered
  missing_charge = 2,     // a charge line left out
  amount_mismatch = 3,    // gross + 1 major unit, fee recomputed
  currency_mismatch = 4,  // USD -> EUR, anything else -> USD
  duplicate_line = 5,     // the line twice
  fee_mismatch = 6,       // agreed fee + 50 minor
  status_mismatch = 7,    // an intent that did not succeed listed as settled
};

std::string_view to_string(discrepancy_kind kind);
std::optional<discrepancy_kind> parse_discrepancy_kind(std::string_view text);

// What the PSP answers the extra fee with (fee_mismatch).
constexpr std::int64_t fee_mismatch_extra_minor = 50;

struct discrepancy {
  discrepancy_kind kind = discrepancy_kind::unknown_charge;
  std::string reference;  // unknown_charge: the generated pi_...
  // unknown_charge and status_mismatch: the charge line to add.
  std::string idempotency_key;
  std::int64_t amount_minor = 0;
  std::string currency;              // upper-case
  std::int64_t injected_unix_s = 0;  // their lines' settled time
  // The added charge's metadata as balance transactions expand it:
  // unknown_charge {payment_order_id: idempotency_key}, status_mismatch the
  // intent's own.
  metadata_map metadata;
};

}  // namespace pay::pspsim
