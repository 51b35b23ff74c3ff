#pragma once
// One line of what a PSP settled for us on a day, as the PSP reports it (a
// CSV file's line or a Stripe balance transaction; docs/reconciliation.md).
// Amounts are signed minor units from the merchant's side: a charge is
// +gross, a refund or payout -gross.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pay::domain {

enum class settlement_type : std::uint8_t {
  charge = 0,
  refund = 1,
  payout = 2,
  fee = 3
};

std::string_view to_string(settlement_type t);
// False for anything but "charge", "refund", "payout", "fee".
bool parse_settlement_type(std::string_view text, settlement_type& out);

struct settlement_line {
  std::uint32_t line_no = 0;  // 1-based position among the data lines
  std::string psp_reference;
  std::string idempotency_key;
  settlement_type type = settlement_type::charge;
  std::int64_t gross_minor = 0;
  std::int64_t fee_minor = 0;
  std::int64_t net_minor = 0;
  std::string currency;      // upper-case ISO 4217
  std::string settled_date;  // YYYY-MM-DD
};

// One TOTAL row: the PSP's own sums for a currency.
struct settlement_total {
  std::string currency;
  std::int64_t gross_minor = 0;
  std::int64_t fee_minor = 0;
  std::int64_t net_minor = 0;
};

struct settlement_file {
  std::string date;  // YYYY-MM-DD
  std::vector<settlement_line> lines;
  std::vector<settlement_total> totals;
  // Whether the source states its own sums (the CSV's TOTAL rows) for the
  // matcher to check the lines against. Stripe's balance transactions state
  // none: false, and no totals_mismatch can arise.
  bool states_totals = true;
};

}  // namespace pay::domain
