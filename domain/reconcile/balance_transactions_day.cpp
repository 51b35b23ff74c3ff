#include "domain/reconcile/balance_transactions_day.hpp"

#include <algorithm>
#include <utility>

#include "domain/common/assert.hpp"

namespace pay::domain {

balance_transactions_day::balance_transactions_day(std::string date,
                                                   utc_day_span span,
                                                   std::uint32_t pages_max)
    : date_(std::move(date)), span_(span), pages_max_(pages_max) {
  PAY_ASSERT(pages_max_ > 0);
}

std::string balance_transactions_day::fail(const std::string& why) {
  failed_ = true;
  wants_page_ = false;
  return "page " + std::to_string(pages_) + ": " + why;
}

std::string balance_transactions_day::add_page(std::string_view body) {
  PAY_ASSERT(wants_page_);
  ++pages_;
  auto parsed = parse_balance_transactions_page(body);
  if (!parsed.error.empty()) return fail(parsed.error);
  auto& page = parsed.page;
  for (const auto& l : page.lines)
    if (l.created_unix_s < span_.start_unix_s
        || l.created_unix_s >= span_.end_unix_s)
      return fail(l.transaction_id + " was created on "
                  + utc_date_of(l.created_unix_s) + ", not on " + date_);
  const bool empty = page.lines.empty() && page.skipped.empty();
  if (page.has_more && empty)
    return fail("has_more with no transactions: paging would not end");
  if (page.has_more && page.last_transaction_id == starting_after_)
    return fail("has_more, but the page ends at " + starting_after_
                + " where the previous one did: paging would not end");
  if (page.has_more && pages_ >= pages_max_)
    return fail("has_more after " + std::to_string(pages_max_)
                + " pages: more transactions than one run reconciles");
  for (auto& s : page.skipped) ++skipped_by_type_[s.type];
  std::move(page.lines.begin(), page.lines.end(), std::back_inserter(lines_));
  if (!empty) starting_after_ = std::move(page.last_transaction_id);
  wants_page_ = page.has_more;
  return {};
}

settlement_file balance_transactions_day::take_file() {
  PAY_ASSERT(!wants_page_ && !failed_);
  // Stable: two entries with one id (a PSP repeating itself) keep their
  // order and are both kept, for the matcher to call the second a
  // duplicate_line.
  std::stable_sort(lines_.begin(), lines_.end(),
                   [](const balance_line& a, const balance_line& b) {
                     if (a.created_unix_s != b.created_unix_s)
                       return a.created_unix_s < b.created_unix_s;
                     return a.transaction_id < b.transaction_id;
                   });
  settlement_file file;
  file.date = date_;
  file.states_totals = false;
  file.lines.reserve(lines_.size());
  for (auto& l : lines_) {
    l.line.line_no = static_cast<std::uint32_t>(file.lines.size() + 1);
    file.lines.push_back(std::move(l.line));
  }
  lines_.clear();
  return file;
}

}  // namespace pay::domain
