#pragma once
// The store: the actors that own PostgreSQL connections. Every command is one
// small idempotent unit of work; the store runs many of them in one database
// transaction (group commit) and answers each once the commit is durable.

#include <caf/all.hpp>

#include "domain/payin/store_records.hpp"

namespace pay {

using store_flush_atom = caf::atom_constant<caf::atom("st_flush")>;

using store_actor = caf::typed_actor<
  caf::replies_to<insert_checkout>::with<insert_checkout_reply>,
  caf::replies_to<transition_order>::with<transition_reply>,
  caf::replies_to<record_attempt>::with<step_reply>,
  caf::replies_to<passivate_order>::with<step_reply>,
  caf::replies_to<claim_due_polls>::with<due_polls>,
  caf::replies_to<escalate_order>::with<step_reply>,
  caf::replies_to<list_dead_letters>::with<dead_letters>,
  caf::replies_to<requeue_dead_letter>::with<operator_reply>,
  caf::replies_to<resolve_dead_letter>::with<operator_reply>,
  caf::replies_to<find_stuck_orders>::with<stuck_orders>,
  caf::replies_to<claim_idempotency_key>::with<idempotency_claim>,
  caf::replies_to<save_idempotent_response>::with<step_reply>,
  caf::replies_to<credit_wallet_cmd>::with<step_reply>,
  caf::replies_to<write_ledger_cmd>::with<step_reply>,
  caf::replies_to<mark_checkout_done>::with<step_reply>,
  caf::replies_to<load_checkout>::with<checkout_lookup>,
  caf::replies_to<load_order>::with<order_lookup>,
  caf::replies_to<load_unfinished_checkouts>::with<unfinished_checkouts>,
  caf::replies_to<check_ready>::with<ready_reply>,
  caf::replies_to<load_order_record>::with<order_record>,
  caf::replies_to<list_orders>::with<order_page>,
  caf::replies_to<count_open_dead_letters>::with<std::int64_t>,
  caf::replies_to<count_open_checkouts>::with<open_checkouts>,
  // true: first time this event id was seen.
  caf::replies_to<record_webhook_event>::with<bool>,
  caf::replies_to<load_risk_inputs>::with<risk_inputs>,
  caf::replies_to<record_risk_decision>::with<checkout_lookup>,
  caf::replies_to<list_reviews>::with<reviews>,
  caf::replies_to<decide_review>::with<review_reply>,
  caf::replies_to<request_capture>::with<settle_reply>,
  caf::replies_to<request_void>::with<settle_reply>,
  caf::replies_to<load_owner>::with<owner_lookup>,
  caf::replies_to<claim_checkout>::with<checkout_claim>,
  caf::replies_to<load_cluster>::with<cluster_view>,
  caf::reacts_to<store_flush_atom>>;

// Several store actors, one connection each. Work for one key always goes to
// the same actor, so one order's writes stay in order.
struct store_pool {
  std::vector<store_actor> shards;

  const store_actor& for_key(const std::string& key) const {
    return shards[std::hash<std::string>{}(key) % shards.size()];
  }
};

}  // namespace pay
