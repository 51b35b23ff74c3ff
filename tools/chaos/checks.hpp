// The end-of-round verdict: wait until paymentd has nothing left to do, then
// compare what the clients were promised, what paymentd stored and what
// pspsim charged. Every finding is a violation value naming the order,
// checkout or key; nothing here asserts or throws. The money invariants
// (2, 3, 4 and the unsettled part of 1) are testkit's find_violations, the
// same the integration tests run; what only a chaos round knows (what the
// clients were acknowledged or refused) is checked here.
//
// The invariants (numbers as in violation.hpp and docs/chaos.md):
//  1. every order is terminal (SUCCESS booked, or FAILED) or in the DLQ
//     (open); every checkout acknowledged with a 2xx exists with exactly the
//     orders the client sent;
//  2. pspsim charged no idempotency key more than once; every charge belongs
//     to a SUCCESS order (with its amount, currency and intent) or to an
//     order in the DLQ; every SUCCESS order was charged exactly once;
//  3. every SUCCESS order has exactly one wallet credit and one balanced
//     payin ledger transaction, no other order has either; the ledger sums
//     to zero per currency; every wallet equals its ledger account and its
//     credits;
//  4. no order's history goes backwards (NOT_STARTED < EXECUTING <
//     SUCCESS|FAILED along seq), nothing changes after a terminal status,
//     and the history ends where the order's row is;
//  6. a refused request (Idempotency-Key reused with another body) stored
//     nothing and charged nothing;
//  10-12. refunds and pay-outs exactly once at the PSP, refund answers kept
//     (money_checks.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tools/chaos/driver.hpp"
#include "tools/chaos/money_cycle.hpp"
#include "tools/chaos/plan.hpp"
#include "tools/chaos/violation.hpp"

namespace pay::chaos {

// What paymentd's schema offers this round (read after its migrations ran).
struct schema_features {
  bool history = false;           // payment_order_history
  bool dead_letter = false;       // dead_letter
  bool idempotency_keys = false;  // idempotency_key
  bool refunds = false;           // refund
  bool payouts = false;           // payout
};
// Empty error on success.
std::string detect_schema(const std::string& database_url,
                          schema_features& out);

struct quiesce_result {
  bool quiescent = false;
  bool orders_settled = false;  // only checkouts' done marks were missing
  std::uint32_t waited_ms = 0;
  std::vector<std::string> unsettled;  // at the last look
};

// How long a checkout whose orders are all final may stay unmarked: the
// mark is one store command after the last order, so a few seconds is
// plenty, and a mark that never comes must not hold a round for minutes.
inline constexpr std::uint32_t checkout_mark_grace_ms = 15'000;

// Polls until no order has work left (DLQ'd orders excepted) and no refund
// is CREATED and no pay-out CREATED or IN_TRANSIT, then until
// every all-SUCCESS checkout is marked done (at most checkout_mark_grace_ms
// more), or the timeout.
quiesce_result wait_quiescent(const std::string& database_url,
                              const schema_features& schema,
                              std::uint32_t timeout_ms);

struct check_input {
  std::string database_url;
  std::uint16_t pspsim_port = 0;
  schema_features schema;
  const std::vector<planned_checkout>* plan = nullptr;
  const drive_result* drive = nullptr;
  const money_cycle_result* cycle = nullptr;  // null: no after-pay-in clients
};
violations check_invariants(const check_input& input);

// The round's figures, from the database and pspsim.
struct round_figures {
  std::int64_t orders = 0;
  std::int64_t charges = 0;
  std::int64_t retries = -1;    // history rows with a transient or unknown
                                // outcome; -1 without a history table
  std::int64_t recovered = -1;  // orders with history under correlation
                                // 'recovery'; -1 without a history table
  std::int64_t dlq_open = -1;   // -1 without a dead_letter table
  std::int64_t success = 0;
  std::int64_t failed = 0;
  // After pay-in; -1 without the refund / payout tables.
  std::int64_t refunds_succeeded = -1;
  std::int64_t refunds_failed = -1;
  std::int64_t payouts_paid = -1;
  std::int64_t payouts_failed = -1;
  std::int64_t fulfilled = -1;
  std::int64_t settled = -1;
};
round_figures collect_figures(const std::string& database_url,
                              std::uint16_t pspsim_port,
                              const schema_features& schema);

}  // namespace pay::chaos
