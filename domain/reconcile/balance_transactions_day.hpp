#pragma once
// One UTC day of Stripe balance transactions, assembled page by page into
// the settlement file the matcher reads. Pure: the caller does the GETs
// (actors/reconcile/balance_transactions_source) and hands each answer's
// body in, in the order asked; this decides whether another page is wanted,
// from where, and when the day cannot be read.
//
// Lines are ordered by (created, transaction id), whatever order the pages
// came in (Stripe lists newest first), and numbered from 1: the reconciler
// stores lines under (date, line number), so the same transactions give the
// same numbers on every run of the day.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "domain/reconcile/balance_transactions.hpp"
#include "domain/reconcile/settlement_line.hpp"
#include "domain/reconcile/utc_day.hpp"

namespace pay::domain {

// Stripe's largest page.
inline constexpr std::uint32_t balance_transactions_page_size = 100;
// 100,000 transactions, the CSV source's size too; a day with more fails
// its run rather than reconcile part of the day.
inline constexpr std::uint32_t balance_transactions_pages_max = 1'000;

class balance_transactions_day {
 public:
  // `span` is the day of `date` (utc_day_span_of).
  balance_transactions_day(
    std::string date, utc_day_span span,
    std::uint32_t pages_max = balance_transactions_pages_max);

  const utc_day_span& span() const { return span_; }
  // True until a page said has_more: false (or the day failed).
  bool wants_page() const { return wants_page_; }
  // The next page's starting_after: "" for the first page.
  const std::string& starting_after() const { return starting_after_; }
  std::uint32_t pages() const { return pages_; }

  // The next page's body. Empty when taken, else why the day cannot be
  // read ("page 3: ..."), after which no page is wanted. Refused besides
  // an unreadable page: a transaction created outside the day, has_more
  // on a page without entries or ending where the previous page ended
  // (paging would never end), has_more on page `pages_max`.
  std::string add_page(std::string_view body);

  // The day's lines, ordered and numbered; no TOTAL rows (states_totals
  // false). Once no page is wanted, and only if no page failed.
  settlement_file take_file();
  // Transactions of types the reconciler does not read, by type.
  const std::map<std::string, std::uint32_t>& skipped_by_type() const {
    return skipped_by_type_;
  }

 private:
  std::string fail(const std::string& why);

  std::string date_;
  utc_day_span span_;
  std::uint32_t pages_max_;
  std::uint32_t pages_ = 0;
  bool wants_page_ = true;
  bool failed_ = false;
  std::string starting_after_;
  std::vector<balance_line> lines_;
  std::map<std::string, std::uint32_t> skipped_by_type_;
};

}  // namespace pay::domain
