#include "domain/ledger/trial_balance.hpp"

#include <algorithm>
#include <limits>
#include <tuple>

#include "domain/common/assert.hpp"

namespace pay::domain {

namespace {

std::int64_t narrow(__int128 value) {
  PAY_ASSERT(value >= std::numeric_limits<std::int64_t>::min()
             && value <= std::numeric_limits<std::int64_t>::max());
  return static_cast<std::int64_t>(value);
}

}  // namespace

std::vector<currency_trial_balance> build_trial_balance(
  std::vector<account_sums> sums) {
  std::sort(sums.begin(), sums.end(), [](const auto& a, const auto& b) {
    return std::tie(a.currency, a.account) < std::tie(b.currency, b.account);
  });
  std::vector<currency_trial_balance> out;
  __int128 total = 0, debits = 0, credits = 0;
  auto close_currency = [&] {
    if (out.empty()) return;
    out.back().total_minor = narrow(total);
    out.back().debit_total_minor = narrow(debits);
    out.back().credit_total_minor = narrow(credits);
    total = debits = credits = 0;
  };
  for (auto& s : sums) {
    PAY_ASSERT(s.debit_minor >= 0 && s.credit_minor >= 0);
    if (out.empty() || out.back().currency != s.currency) {
      close_currency();
      out.push_back({s.currency, {}, 0, 0, 0});
    }
    auto balance = static_cast<__int128>(s.debit_minor) - s.credit_minor;
    total += balance;
    debits += s.debit_minor;
    credits += s.credit_minor;
    out.back().accounts.push_back(
      {std::move(s.account), s.debit_minor, s.credit_minor, narrow(balance)});
  }
  close_currency();
  return out;
}

}  // namespace pay::domain
