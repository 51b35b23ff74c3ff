#pragma once
// The PSP's daily settlement file as CSV (RFC 4180, '\n' line ends; the
// format is in docs/pspsim.md): the header, one line per settled item, then
// one TOTAL row per currency. pspsim writes it; paymentd's reconciler reads
// it, up to 100,000 lines at a time, so parsing makes no copies beyond the
// strings it keeps.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "domain/reconcile/settlement_line.hpp"

namespace pay::domain {

inline constexpr std::string_view settlement_csv_header =
  "psp_reference,idempotency_key,type,gross,fee,net,currency,settled_date";
inline constexpr std::string_view settlement_total_reference = "TOTAL";
inline constexpr std::string_view settlement_total_type = "total";

// The header, file.lines in their order, then file.totals as given (each
// with file.date): the writer shows what it is handed, so a test can write
// a file whose totals disagree with its lines. Fields holding a comma, a
// quote or a line break are quoted. Currencies not in currency_table are
// written with two decimals.
std::string format_settlement_csv(const settlement_file& file);

// One TOTAL row per currency that has lines, sorted by currency, with the
// sums of those lines: what a truthful PSP writes.
std::vector<settlement_total> settlement_totals_of(
  const std::vector<settlement_line>& lines);

struct settlement_parse_result {
  settlement_file file;          // complete only when error is empty
  std::string error;             // empty: parsed
  std::uint32_t error_line = 0;  // 1-based line of the text (header = 1)
};

// Refuses (error, error_line): a header other than settlement_csv_header;
// a record without exactly 8 fields or with a broken quote; an unknown
// type; an unknown currency; an amount that is not [-]digits with exactly
// the currency's exponent of decimals, or does not fit in int64; net other
// than gross - fee; a settled_date that is not a real YYYY-MM-DD; a data
// line after a TOTAL row; two TOTAL rows for one currency; a currency with
// lines and no TOTAL row. A TOTAL row whose sums differ from its lines is
// NOT refused: totals are kept as given for the reconciler to report.
// file.date is the TOTAL rows' (else the first line's) date, empty for a
// header-only file.
settlement_parse_result parse_settlement_csv(std::string_view text);

// "2026-03-01": four-digit year 1970..9999, a real month and day.
bool is_settlement_date(std::string_view text);

}  // namespace pay::domain
