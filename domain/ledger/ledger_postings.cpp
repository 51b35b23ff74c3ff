#include "domain/ledger/ledger_postings.hpp"

#include <map>

namespace pay::domain {

std::string seller_payable_account(const seller_account& seller) {
  return std::string{seller_payable_prefix} + seller.value;
}

std::vector<posting> payin_postings(const seller_account& seller,
                                    const std::string& currency,
                                    std::int64_t amount_minor) {
  return {
    {std::string{psp_receivable_account}, currency, amount_minor},
    {seller_payable_account(seller), currency, -amount_minor},
  };
}

std::vector<posting> payout_sent_postings(const seller_account& seller,
                                          const std::string& currency,
                                          std::int64_t amount_minor) {
  return {
    {seller_payable_account(seller), currency, amount_minor},
    {std::string{payouts_in_transit_account}, currency, -amount_minor},
  };
}

std::vector<posting> payout_paid_postings(const std::string& currency,
                                          std::int64_t amount_minor) {
  return {
    {std::string{payouts_in_transit_account}, currency, amount_minor},
    {std::string{bank_account}, currency, -amount_minor},
  };
}

std::vector<posting> payout_failed_postings(const seller_account& seller,
                                            const std::string& currency,
                                            std::int64_t amount_minor) {
  return {
    {std::string{payouts_in_transit_account}, currency, amount_minor},
    {seller_payable_account(seller), currency, -amount_minor},
  };
}

std::vector<posting> refund_postings(const seller_account& seller,
                                     const std::string& currency,
                                     std::int64_t amount_minor) {
  return {
    {seller_payable_account(seller), currency, amount_minor},
    {std::string{psp_receivable_account}, currency, -amount_minor},
  };
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
