#pragma once
// The chart of accounts and the postings each business event makes.
// Sign convention: a debit is positive, a credit negative, so every balanced
// transaction sums to zero per currency. Liability accounts such as
// seller_payable therefore carry negative sums; a seller's wallet balance is
// the negated sum of their payable account.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "domain/ids.hpp"

namespace pay::domain {

inline constexpr std::string_view psp_receivable_account = "psp_receivable";
inline constexpr std::string_view seller_payable_prefix = "seller_payable:";

struct posting {
  std::string account;
  std::string currency;
  std::int64_t amount_minor = 0;  // > 0 debit, < 0 credit, never 0
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, posting& x) {
  return f(x.account, x.currency, x.amount_minor);
}

std::string seller_payable_account(const seller_account& seller);

// Pay-in success: the PSP now owes us the money, and we owe it to the seller.
std::vector<posting> payin_postings(const seller_account& seller,
                                    const std::string& currency,
                                    std::int64_t amount_minor);

// True when there is at least one line, no line is zero, and the lines sum to
// zero in every currency (without overflowing while summing).
bool is_balanced(const std::vector<posting>& postings);

}  // namespace pay::domain
