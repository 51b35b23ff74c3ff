#pragma once
// Every SQL statement about refunds, run inside a caller's transaction (the
// refund store's db_session). Each function is one business step; the rules
// that keep money safe live here:
// - create_refund_row checks what is left to refund and inserts the row in
//   one transaction holding the order row's lock (SELECT ... FOR UPDATE), so
//   concurrent refunds of one order can never exceed what it captured;
// - move_refund_row moves CREATED -> PENDING | SUCCEEDED | FAILED and
//   PENDING -> SUCCEEDED | FAILED by compare-and-set on (status, version),
//   and on SUCCEEDED books the ledger and debits the wallet in the same
//   transaction, so a replay applies nothing twice.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "domain/refund/refund_records.hpp"

namespace pay::persistence {

create_refund_reply create_refund_row(pqxx::work& txn,
                                      const create_refund& cmd);

std::optional<refund_work> load_refund(pqxx::work& txn,
                                       const std::string& refund_id);

refund_list list_order_refunds(pqxx::work& txn,
                               const std::string& payment_order_id);

// Unfinished refunds no dead letter parks, oldest first, at most `limit`.
std::vector<refund_work> load_open_refund_rows(pqxx::work& txn,
                                               std::uint32_t limit);

// Every refund, newest first, a page at a time.
refund_page list_refunds_page(pqxx::work& txn, const list_refunds_admin& query);

// Counts one undecided PSP call (only while not final) and writes it to
// the history. Returns the row as it is now.
refund_step_reply record_refund_attempt_row(pqxx::work& txn,
                                            const record_refund_attempt& cmd);

refund_step_reply move_refund_row(pqxx::work& txn, const move_refund& cmd);

// --- the dead-letter queue ---------------------------------------------------

// Opens (or reopens) the refund's dead letter and writes a 'dead_lettered'
// history row; `applied` when parked now (a final refund is not parked).
refund_step_reply park_refund_row(pqxx::work& txn, const park_refund& cmd);

refund_dead_letter_page list_refund_dead_letter_rows(
  pqxx::work& txn, const list_refund_dead_letters& query);

refund_dead_letter_lookup load_refund_dead_letter_row(
  pqxx::work& txn, const std::string& refund_id);

// An open entry becomes requeued, the refund gets a fresh retry budget and
// this node's ownership, and a 'requeued' history row.
refund_dead_letter_reply requeue_refund_dead_letter_row(
  pqxx::work& txn, const requeue_refund_dead_letter& cmd);

// An open entry becomes resolved; with `fail`, the refund moves
// operator_failed (failure_code operator_resolved, the reason as message)
// from the version the decision saw, or nothing happens (refund_moved).
refund_dead_letter_reply close_refund_dead_letter_row(
  pqxx::work& txn, const close_refund_dead_letter& cmd);

}  // namespace pay::persistence
