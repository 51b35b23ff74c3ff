// Invariants 10-12: after pay-in, exactly once at the PSP. The comparisons
// are pure functions of what paymentd stored and what pspsim says it did
// (GET /sim/refunds, /sim/payouts, /sim/charges), so they read like the
// rules; load_and_check_money() gathers both sides after quiescing.
//
// 10. pspsim made at most one refund per Idempotency-Key (= our refund id);
//     each is a SUCCEEDED refund of ours with its amount and intent (the
//     order's psp_reference) and our psp_reference is that PSP refund; every
//     SUCCEEDED refund of ours has exactly one; no intent is refunded at
//     pspsim beyond what it charged.
// 11. pspsim made at most one pay-out per Idempotency-Key (= our payout id),
//     each for a payout of ours; every PAID payout of ours has one there,
//     paid, with its amount and currency; every FAILED one failed there or
//     never reached it.
// 12. every refund request acknowledged 201/200 exists under its key, for
//     its order and amount; a key refused (400 amount_too_large, 409) has
//     nothing stored under it.
// 13. no refund id ever has more than one refund at pspsim, even after
//     pspsim forgot its Idempotency-Key (--idempotency-key-ttl-s; paymentd
//     must then look the refund up, and a PENDING one is only read back);
//     every refund pspsim made for us was POSTed under our refund id
//     (GET /sim/refund_counts: posts per key, refunds per intent), and
//     paymentd never POSTs a refund without a key.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tools/chaos/money_cycle.hpp"
#include "tools/chaos/violation.hpp"

namespace pay::chaos {

struct our_refund {
  std::string refund_id;
  std::string payment_order_id;
  std::string idempotency_key;  // the client's key
  std::int64_t amount_minor = 0;
  std::string status;         // CREATED, SUCCEEDED, FAILED
  std::string psp_reference;  // "re_..." or empty
  std::string intent;         // the order's psp_reference
};

struct our_payout {
  std::string payout_id;
  std::int64_t amount_minor = 0;
  std::string currency;  // upper case
  std::string status;    // CREATED, TRANSFERRED, IN_TRANSIT, REVERSING,
                         // PAID, FAILED
};

struct psp_refund {
  std::string id;
  std::string idempotency_key;
  std::string payment_intent;
  std::int64_t amount_minor = 0;
};

struct psp_payout {
  std::string id;
  std::string idempotency_key;
  std::int64_t amount_minor = 0;
  std::string currency;  // lower case
  std::string status;    // pending, paid, failed
};

// GET /sim/refund_counts: every POST /v1/refunds pspsim received per
// Idempotency-Key (faulted, refused and replayed ones included), those
// without a key, and the refunds it made per payment intent.
struct psp_refund_counts {
  std::map<std::string, std::int64_t> posts_by_key;
  std::int64_t posts_without_key = 0;
  std::map<std::string, std::int64_t> refunds_by_intent;
};

// Charged amount per payment intent, from /sim/charges.
using charged_by_intent = std::map<std::string, std::int64_t>;

violations check_psp_refunds(const std::vector<our_refund>& ours,
                             const std::vector<psp_refund>& theirs,
                             const charged_by_intent& charged);
violations check_psp_payouts(const std::vector<our_payout>& ours,
                             const std::vector<psp_payout>& theirs);

// A transfer to a seller's connected account (GET /sim/transfers), keyed by
// our pay-out id.
struct psp_transfer {
  std::string id;
  std::string idempotency_key;
  std::int64_t amount_minor = 0;
  std::string currency;  // lower case
  bool reversed = false;
};

// Each pay-out transferred at most once; a PAID one exactly once and kept,
// a FAILED one's transfer taken back (else the seller holds the money and
// the wallet has it again).
violations check_psp_transfers(const std::vector<our_payout>& ours,
                               const std::vector<psp_transfer>& theirs);
violations check_refund_ids_once(const std::vector<our_refund>& ours,
                                 const std::vector<psp_refund>& theirs,
                                 const psp_refund_counts& counts);
violations check_refund_answers(const money_cycle_result& answers,
                                const std::vector<our_refund>& ours);

struct money_tables {
  bool refunds = false;  // refund table
  bool payouts = false;  // payout table
};

// Reads both sides and runs the checks above; a side that cannot be read is
// an invariant 8 (harness) violation. `answers` may be null (no clients).
violations load_and_check_money(const std::string& database_url,
                                std::uint16_t pspsim_port,
                                const money_tables& tables,
                                const money_cycle_result* answers);

}  // namespace pay::chaos
