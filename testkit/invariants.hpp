#pragma once
// The money invariants, checked by SQL against paymentd's database and by
// asking pspsim what it charged. The integration tests run them after every
// test; the chaos harness after every round.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "http/sync_client.hpp"

namespace pay::it {

// First waits (at most `settle_timeout_ms`) until no order is in flight or
// unbooked (dead-lettered orders wait for an operator and count as settled),
// then checks:
//  1. every ledger transaction has entries, and they sum to zero per currency;
//  2. every wallet balance is minus the sum of its seller_payable entries (and
//     the sum of its wallet_credit rows); no seller_payable entries or wallet
//     credits without a wallet row;
//  3. every booked SUCCESS order has exactly one matching wallet_credit row
//     and one 'payin' ledger transaction; the flags agree with those rows; no
//     non-SUCCESS order has either; is_payment_done only when all succeeded;
//  4. pspsim charged no idempotency key more than once and captured no
//     intent twice; every SUCCESS order has exactly one charge under its id
//     whose captured amount, currency and psp_reference are the order's;
//     every captured charge belongs to a SUCCESS order or to a dead-lettered
//     order marked maybe_charged (an uncaptured authorization only to an
//     order of ours); no VOIDED order's charge was captured; no charge
//     captured more than it authorized;
//  5. no order's history goes backwards (REVIEW before the PSP <
//     NOT_STARTED < EXECUTING < PENDING < AUTHORIZED|REVIEW after the PSP
//     < CAPTURING|VOIDING < SUCCESS|FAILED|VOIDED along seq, nothing after
//     a final status).
// Returns one line per violation ("N. what: detail"); empty when all hold.
std::vector<std::string> find_violations(const std::string& database_url,
                                         http::sync_client& sim,
                                         std::uint32_t settle_timeout_ms);

// Row counts of every paymentd table and of pspsim's charges, to prove a
// request changed nothing.
using row_counts = std::map<std::string, std::int64_t>;
row_counts count_rows(const std::string& database_url, http::sync_client& sim);

}  // namespace pay::it
