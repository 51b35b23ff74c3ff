#pragma once
// One function per store command: runs it inside the caller's transaction.
// The store actor batches many commands into one transaction (group commit);
// these functions never commit and never catch database errors, so a failed
// batch can be retried command by command.

#include <pqxx/pqxx>

#include "domain/payin/store_records.hpp"

namespace pay::persistence {

// Settings and prepared statements of a store connection, once per
// connection (sql::store_session_settings says why).
void prepare_session(pqxx::connection& conn);

// Set-based: one statement for the whole batch, one reply per command in
// the same order. Ids must be distinct (one command per order in flight).
std::vector<insert_checkout_reply> execute_batch(
  pqxx::work& txn, const std::vector<insert_checkout>& cmds);
std::vector<transition_reply> execute_batch(
  pqxx::work& txn, const std::vector<transition_order>& cmds);
std::vector<step_reply> execute_batch(
  pqxx::work& txn, const std::vector<mark_checkout_done>& cmds);
std::vector<step_reply> execute_batch(pqxx::work& txn,
                                      const std::vector<passivate_order>& cmds);
step_reply execute(pqxx::work& txn, const credit_wallet_cmd& cmd);
step_reply execute(pqxx::work& txn, const write_ledger_cmd& cmd);
checkout_lookup execute(pqxx::work& txn, const load_checkout& cmd);
order_lookup execute(pqxx::work& txn, const load_order& cmd);
unfinished_checkouts execute(pqxx::work& txn,
                             const load_unfinished_checkouts& cmd);
step_reply execute(pqxx::work& txn, const record_attempt& cmd);
due_polls execute(pqxx::work& txn, const claim_due_polls& cmd);
step_reply execute(pqxx::work& txn, const escalate_order& cmd);
dead_letters execute(pqxx::work& txn, const list_dead_letters& cmd);
operator_reply execute(pqxx::work& txn, const requeue_dead_letter& cmd);
operator_reply execute(pqxx::work& txn, const resolve_dead_letter& cmd);
stuck_orders execute(pqxx::work& txn, const find_stuck_orders& cmd);
idempotency_claim execute(pqxx::work& txn, const claim_idempotency_key& cmd);
step_reply execute(pqxx::work& txn, const save_idempotent_response& cmd);
ready_reply execute(pqxx::work& txn, const check_ready& cmd);
order_record execute(pqxx::work& txn, const load_order_record& cmd);
order_page execute(pqxx::work& txn, const list_orders& cmd);
std::int64_t execute(pqxx::work& txn, const count_open_dead_letters& cmd);
open_checkouts execute(pqxx::work& txn, const count_open_checkouts& cmd);
bool execute(pqxx::work& txn, const record_webhook_event& cmd);
risk_inputs execute(pqxx::work& txn, const load_risk_inputs& cmd);
checkout_lookup execute(pqxx::work& txn, const record_risk_decision& cmd);
reviews execute(pqxx::work& txn, const list_reviews& cmd);
review_reply execute(pqxx::work& txn, const decide_review& cmd);
settle_reply execute(pqxx::work& txn, const request_capture& cmd);
settle_reply execute(pqxx::work& txn, const request_void& cmd);
owner_lookup execute(pqxx::work& txn, const load_owner& cmd);
checkout_claim execute(pqxx::work& txn, const claim_checkout& cmd);
cluster_view execute(pqxx::work& txn, const load_cluster& cmd);

}  // namespace pay::persistence
