// parse_balance_transactions_page, the reconciler's reader of one page of
// Stripe's GET /v1/balance_transactions. Input: the page. A refused page
// says why; an accepted one holds only what the reader promises: known
// currencies, real dates, and a next-page id after any entry. A net that
// does not add up is passed on as the PSP stated it: the matcher reports it.

#include "domain/reconcile/balance_transactions.hpp"
#include "domain/common/currency.hpp"
#include "domain/reconcile/settlement_csv.hpp"
#include "fuzz/check.hpp"
#include "fuzz/input.hpp"

using namespace pay::domain;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const auto parsed = parse_balance_transactions_page(
    pay::fuzz::as_text(data, size));
  if (!parsed.error.empty()) {
    FUZZ_CHECK(parsed.page.lines.empty() && parsed.page.skipped.empty());
    return 0;
  }
  const balance_page& page = parsed.page;
  for (const balance_line& entry : page.lines) {
    const settlement_line& line = entry.line;
    FUZZ_CHECK(!entry.transaction_id.empty());
    FUZZ_CHECK(find_currency(line.currency).has_value());
    FUZZ_CHECK(is_settlement_date(line.settled_date));
  }
  for (const auto& skipped : page.skipped)
    FUZZ_CHECK(!skipped.transaction_id.empty());
  if (!page.lines.empty() || !page.skipped.empty())
    FUZZ_CHECK(!page.last_transaction_id.empty());
  return 0;
}
