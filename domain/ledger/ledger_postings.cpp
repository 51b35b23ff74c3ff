#include "domain/ledger/ledger_postings.hpp"

#include <map>
#include <utility>

#include "domain/common/assert.hpp"

namespace pay::domain {

std::string seller_payable_account(const seller_account& seller) {
  return std::string{seller_payable_prefix} + seller.value;
}

namespace {

// One movement of `amount_minor` from `credit` to `debit`: every posting
// set below is one of these. A movement of nothing, or a negative one (the
// legs would swap meaning), is a bug in the caller, never input.
std::vector<posting> movement(std::string debit, std::string credit,
                              const std::string& currency,
                              std::int64_t amount_minor) {
  PAY_ASSERT(amount_minor > 0);
  PAY_ASSERT(currency.size() == 3);
  PAY_ASSERT(!debit.empty() && !credit.empty() && debit != credit);
  return {
    {std::move(debit), currency, amount_minor},
    {std::move(credit), currency, -amount_minor},
  };
}

std::string seller_payable(const seller_account& seller) {
  PAY_ASSERT(!seller.value.empty());
  return seller_payable_account(seller);
}

}  // namespace

std::vector<posting> payin_postings(const seller_account& seller,
                                    const std::string& currency,
                                    std::int64_t amount_minor) {
  return movement(std::string{psp_receivable_account}, seller_payable(seller),
                  currency, amount_minor);
}

std::vector<posting> payout_sent_postings(const seller_account& seller,
                                          const std::string& currency,
                                          std::int64_t amount_minor) {
  return movement(seller_payable(seller),
                  std::string{payouts_in_transit_account}, currency,
                  amount_minor);
}

std::vector<posting> payout_paid_postings(const std::string& currency,
                                          std::int64_t amount_minor) {
  return movement(std::string{payouts_in_transit_account},
                  std::string{bank_account}, currency, amount_minor);
}

std::vector<posting> payout_failed_postings(const seller_account& seller,
                                            const std::string& currency,
                                            std::int64_t amount_minor) {
  return movement(std::string{payouts_in_transit_account},
                  seller_payable(seller), currency, amount_minor);
}

std::vector<posting> refund_postings(const seller_account& seller,
                                     const std::string& currency,
                                     std::int64_t amount_minor) {
  return movement(seller_payable(seller), std::string{psp_receivable_account},
                  currency, amount_minor);
}

bool is_balanced(const std::vector<posting>& postings) {
  if (postings.empty()) return false;
  std::map<std::string, std::int64_t> sum_by_currency;
  for (const auto& p : postings) {
    if (p.amount_minor == 0) return false;
    auto& sum = sum_by_currency[p.currency];
    if (__builtin_add_overflow(sum, p.amount_minor, &sum)) return false;
  }
  for (const auto& [currency, sum] : sum_by_currency)
    if (sum != 0) return false;
  return true;
}

}  // namespace pay::domain
