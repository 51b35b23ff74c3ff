#pragma once
// All SQL of the pay-out side, one function per store command, each inside
// the caller's transaction. Every change is a compare-and-set on the row's
// (status, version) or guarded by the wallet row's lock, so a replay or a
// second actor (or a second paymentd) cannot apply it twice.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <pqxx/pqxx>

#include "domain/payout/payout_records.hpp"

namespace pay::persistence {

// (seller, currency) pairs a run looks at: credits not released yet, or a
// balance that could reach the minimum.
std::vector<std::pair<std::string, std::string>> payout_candidates(
  pqxx::work& txn, std::int64_t minimum_minor);

struct release_result {
  std::int64_t credits_released = 0;
  bool created = false;
  payout_view payout;
  // Money to pay, but the seller has no connected account to pay it to.
  bool awaiting_connected_account = false;
};

// Under the wallet row's lock: stamps released_at on the credits whose
// conditions hold, then creates one pay-out for the whole available balance
// when it reaches the minimum and the seller has a connected account (row,
// history, ledger payout_sent, wallet).
release_result release_and_create_payout(pqxx::work& txn,
                                         const std::string& seller,
                                         const std::string& currency,
                                         const release_payouts& run);

payout_lookup select_payout(pqxx::work& txn, const std::string& payout_id);
// A page, newest first (has_more: another follows).
payout_list select_payouts(pqxx::work& txn, const list_payouts& query);
// Not final and not parked: what recovery resumes.
std::vector<payout_view> select_open_payouts(pqxx::work& txn);

payout_step apply_advance(pqxx::work& txn, const advance_payout& cmd);
payout_step apply_attempt(pqxx::work& txn, const record_payout_attempt& cmd);

// --- the dead-letter queue ---------------------------------------------------

// Opens (or reopens) the pay-out's dead letter and writes a 'dead_lettered'
// history row; `applied` when parked now (a final pay-out is not parked).
payout_step park_payout_row(pqxx::work& txn, const park_payout& cmd);

payout_dead_letter_page list_payout_dead_letter_rows(
  pqxx::work& txn, const list_payout_dead_letters& query);

payout_dead_letter_lookup load_payout_dead_letter_row(
  pqxx::work& txn, const std::string& payout_id);

// An open entry becomes requeued, the pay-out gets a fresh retry budget for
// its step and this node's ownership, and a 'requeued' history row.
payout_dead_letter_reply requeue_payout_dead_letter_row(
  pqxx::work& txn, const requeue_payout_dead_letter& cmd);

// An open entry becomes resolved; with `fail`, the pay-out takes
// operator_failed (failure_code operator_resolved, the reason as message)
// from the (status, version) the decision saw, with its money moves
// (apply_advance), or nothing happens (payout_moved).
payout_dead_letter_reply close_payout_dead_letter_row(
  pqxx::work& txn, const close_payout_dead_letter& cmd);

// Records the event id (the existing webhook_event table); `duplicate` when
// it was seen before, `ignored` when no such pay-out exists on the event's
// account.
webhook_outcome record_payout_webhook(pqxx::work& txn,
                                      const payout_webhook& event);

connected_account_lookup select_connected_account(pqxx::work& txn,
                                                  const std::string& seller);
// Links the seller to the account unless either has another link.
connect_reply link_seller(pqxx::work& txn, const link_connected_account& cmd);

fulfill_reply fulfill_payment_order(pqxx::work& txn,
                                    const std::string& payment_order_id);

// pending / available / in transit / paid out per currency; empty for a
// seller we never saw.
std::vector<wallet_balance> select_wallet_split(pqxx::work& txn,
                                                const std::string& seller,
                                                std::int64_t hold_s);

}  // namespace pay::persistence
