// parse_settlement_csv, the reconciler's reader of the PSP's daily file.
// Input: the file. A refused file names a line inside it; an accepted one
// holds only what the reader promises (known currency, net = gross - fee,
// a real date, a TOTAL row per currency) and survives the writer: formatted
// and read again, it is the same file.

#include <algorithm>
#include <set>
#include <string>

#include "domain/common/currency.hpp"
#include "domain/reconcile/settlement_csv.hpp"
#include "fuzz/check.hpp"
#include "fuzz/input.hpp"

namespace {

using namespace pay::domain;

bool same_lines(const settlement_line& a, const settlement_line& b) {
  return a.line_no == b.line_no && a.psp_reference == b.psp_reference
         && a.idempotency_key == b.idempotency_key && a.type == b.type
         && a.gross_minor == b.gross_minor && a.fee_minor == b.fee_minor
         && a.net_minor == b.net_minor && a.currency == b.currency
         && a.settled_date == b.settled_date;
}

bool same_totals(const settlement_total& a, const settlement_total& b) {
  return a.currency == b.currency && a.gross_minor == b.gross_minor
         && a.fee_minor == b.fee_minor && a.net_minor == b.net_minor;
}

bool same_file(const settlement_file& a, const settlement_file& b) {
  return a.date == b.date
         && std::equal(a.lines.begin(), a.lines.end(), b.lines.begin(),
                       b.lines.end(), same_lines)
         && std::equal(a.totals.begin(), a.totals.end(), b.totals.begin(),
                       b.totals.end(), same_totals);
}

bool nets_add_up(std::int64_t gross, std::int64_t fee, std::int64_t net) {
  std::int64_t expected = 0;
  return !__builtin_sub_overflow(gross, fee, &expected) && expected == net;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const std::string_view text = pay::fuzz::as_text(data, size);
  const settlement_parse_result parsed = parse_settlement_csv(text);
  if (!parsed.error.empty()) {
    const auto lines = std::count(text.begin(), text.end(), '\n') + 1;
    FUZZ_CHECK(parsed.error_line >= 1);
    FUZZ_CHECK(parsed.error_line <= static_cast<std::uint32_t>(lines));
    return 0;
  }
  FUZZ_CHECK(parsed.error_line == 0);
  const settlement_file& file = parsed.file;
  std::set<std::string> with_lines;
  std::set<std::string> with_total;
  std::uint32_t position = 0;
  for (const settlement_line& line : file.lines) {
    FUZZ_CHECK(line.line_no == ++position);
    FUZZ_CHECK(find_currency(line.currency).has_value());
    FUZZ_CHECK(nets_add_up(line.gross_minor, line.fee_minor, line.net_minor));
    FUZZ_CHECK(is_settlement_date(line.settled_date));
    with_lines.insert(line.currency);
  }
  for (const settlement_total& total : file.totals) {
    FUZZ_CHECK(find_currency(total.currency).has_value());
    FUZZ_CHECK(
      nets_add_up(total.gross_minor, total.fee_minor, total.net_minor));
    FUZZ_CHECK(with_total.insert(total.currency).second);
  }
  FUZZ_CHECK(std::includes(with_total.begin(), with_total.end(),
                           with_lines.begin(), with_lines.end()));
  FUZZ_CHECK(file.date.empty() == (file.lines.empty() && file.totals.empty()));
  if (!file.date.empty()) FUZZ_CHECK(is_settlement_date(file.date));

  const settlement_parse_result again = parse_settlement_csv(
    format_settlement_csv(file));
  FUZZ_CHECK(again.error.empty());
  FUZZ_CHECK(same_file(again.file, file));
  return 0;
}
