#pragma once
// The correcting journal entry of a resolved reconciliation exception: what
// its line put into settlement_suspense moves to the account finance names,
// among those that make sense for the exception's policy case, or to the
// case's default. One balanced ledger transaction (kind suspense_correction,
// reference the exception id), written in the same database transaction as
// the resolution. The table is docs/reconciliation.md's "Resolving an
// exception".
//
// Where suspense money can belong:
//   psp_receivable        between us and the PSP: a charge it paid that
//                         clears the receivable our pay-in booked, or money
//                         it will take back (a buyer refunded through it);
//                         the default of every case that holds money
//   psp_fees              what the PSP kept is a fee it did not list
//                         (amount_mismatch, unknown_reference)
//   bank                  the money never reached our bank: the line is wrong
//   seller_payable:<S>    a FAILED order's charge the PSP made and finance
//                         lets stand: the order's seller S is owed it (the
//                         wallet moves with the ledger)

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "domain/ledger/ledger_postings.hpp"
#include "domain/reconcile/reconcile_policy.hpp"

namespace pay::domain {

inline constexpr std::string_view suspense_correction_kind =
  "suspense_correction";

struct correction_facts {
  policy_case which = policy_case::matched;
  // What the exception's line posts to settlement_suspense now (signed, the
  // ledger's convention); 0: nothing.
  std::int64_t suspense_minor = 0;
  std::string currency;
  // The seller of our order, for a status_mismatch of a FAILED order; ""
  // otherwise.
  std::string order_seller;
};

// The accounts the money may move to, the default first; empty when the
// exception holds nothing in suspense.
std::vector<std::string> correction_targets(const correction_facts& facts);

enum class correction_outcome : std::uint8_t {
  book = 0,                 // postings below, to `account`
  nothing_to_book = 1,      // the exception holds nothing in suspense
  account_not_allowed = 2,  // `requested` is not among correction_targets
};

struct correction_plan {
  correction_outcome outcome = correction_outcome::nothing_to_book;
  std::string account;            // the target
  std::vector<posting> postings;  // settlement_suspense, then the target
  std::int64_t target_minor = 0;  // the target's posting
};

// `requested`: the account finance named, "" for the case's default. An
// exception holding nothing accepts no account at all.
correction_plan plan_correction(const correction_facts& facts,
                                std::string_view requested);

}  // namespace pay::domain
