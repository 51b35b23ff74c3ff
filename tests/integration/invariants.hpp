// The money invariants, checked by SQL against paymentd's database and by
// asking pspsim what it charged. Run after every test; a test that leaves
// the system in a state breaking one of them fails, whatever it asserted.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "http/sync_client.hpp"

namespace pay::it {

// First waits (at most `settle_timeout_ms`) until no order is in flight or
// unbooked, then checks with EXPECT_*:
//  1. every ledger transaction has entries, and they sum to zero per currency;
//  2. every wallet balance is minus the sum of its seller_payable entries (and
//     the sum of its wallet_credit rows); no seller_payable entries without a
//     wallet row;
//  3. every booked SUCCESS order has exactly one matching wallet_credit row
//     and one 'payin' ledger transaction (psp_receivable +amount,
//     seller_payable:<seller> -amount); the flags agree with those rows; no
//     non-SUCCESS order has either; is_payment_done only when all succeeded;
//  4. pspsim charged no idempotency key more than once; every SUCCESS order
//     has exactly one charge under its id with its amount, currency and
//     psp_reference, and every charge belongs to a SUCCESS order.
void expect_invariants(const std::string& database_url,
                       http::sync_client& sim,
                       std::uint32_t settle_timeout_ms = 10'000);

// Row counts of every paymentd table and of pspsim's charges, to prove a
// request changed nothing.
using row_counts = std::map<std::string, std::int64_t>;
row_counts count_rows(const std::string& database_url, http::sync_client& sim);

}  // namespace pay::it
