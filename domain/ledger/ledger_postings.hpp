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

#include "domain/common/ids.hpp"

namespace pay::domain {

inline constexpr std::string_view psp_receivable_account = "psp_receivable";
inline constexpr std::string_view seller_payable_prefix = "seller_payable:";
// Money on its way to sellers' banks: sent to the pay-out provider, not yet
// confirmed paid.
inline constexpr std::string_view payouts_in_transit_account =
  "payouts_in_transit";
// Our cash: settlements from the PSP arrive here, paid pay-outs leave it.
inline constexpr std::string_view bank_account = "bank";
// What the PSP charged us (an expense, so it carries debits).
inline constexpr std::string_view psp_fees_account = "psp_fees";
// Settled money we could not attribute cleanly; finance clears it.
inline constexpr std::string_view settlement_suspense_account =
  "settlement_suspense";

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

// A pay-out created: the seller's share leaves their payable for transit.
std::vector<posting> payout_sent_postings(const seller_account& seller,
                                          const std::string& currency,
                                          std::int64_t amount_minor);
// The provider paid it: transit is cleared against our bank.
std::vector<posting> payout_paid_postings(const std::string& currency,
                                          std::int64_t amount_minor);
// The provider could not pay it: the money goes back to the seller.
std::vector<posting> payout_failed_postings(const seller_account& seller,
                                            const std::string& currency,
                                            std::int64_t amount_minor);
// A refund the PSP made: the seller owes it back, and the PSP will take it
// from our next settlement.
std::vector<posting> refund_postings(const seller_account& seller,
                                     const std::string& currency,
                                     std::int64_t amount_minor);

// True when there is at least one line, no line is zero, and the lines sum to
// zero in every currency (without overflowing while summing).
bool is_balanced(const std::vector<posting>& postings);

}  // namespace pay::domain
