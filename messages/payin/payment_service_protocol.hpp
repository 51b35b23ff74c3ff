#pragma once
// The payment service: the entry point the gateway talks to. It creates
// checkouts, spawns and supervises checkout actors, and answers reads.

#include <caf/all.hpp>

#include "domain/common/webhook_outcome.hpp"

#include "messages/ops/dlq_protocol.hpp"
#include "messages/payin/payment_order_protocol.hpp"
#include "messages/payin/store_protocol.hpp"

namespace pay {

struct create_payment {
  new_checkout checkout;
  std::uint32_t wait_ms = 0;  // Prefer: wait=N; 0 = answer once stored
  std::string correlation_id;
  std::string idempotency_key;  // Idempotency-Key header, may be empty
  // Hosted page: answer once every order's redirect is known (or it ended).
  bool until_pending = false;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, create_payment& x) {
  return f(x.checkout, x.wait_ms, x.correlation_id, x.idempotency_key,
           x.until_pending);
}

// Either a fresh result (stored_status == 0) or, for a replayed
// Idempotency-Key, the first response verbatim.
struct create_payment_reply {
  insert_outcome outcome = insert_outcome::created;
  std::string conflicting_order_id;
  checkout_view view;
  bool idempotency_mismatch = false;  // key reused with another request
  bool must_complete_key = false;     // first use of a key: store the answer
  std::uint16_t stored_status = 0;
  std::string stored_body;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, create_payment_reply& x) {
  return f(x.outcome, x.conflicting_order_id, x.view, x.idempotency_mismatch,
           x.must_complete_key, x.stored_status, x.stored_body);
}

// The gateway's rendering of the first answer under an Idempotency-Key:
// stored durably, then sent verbatim to every duplicate that joined.
struct complete_idempotency_key {
  std::string key;
  std::uint16_t status = 0;
  std::string body;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        complete_idempotency_key& x) {
  return f(x.key, x.status, x.body);
}

// Give the checkout's orders that have work left a live actor (after a
// requeue, or when the watchdog finds an order that stopped moving).
struct resume_checkout {
  domain::checkout_id id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, resume_checkout& x) {
  return f(x.id);
}

// Internal timer: the first request under an Idempotency-Key never stored
// its answer (its client gave up): release the key's joiners.
struct key_expired {
  std::string key;
  std::uint64_t generation = 0;  // which use of the key the timer is for
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, key_expired& x) {
  return f(x.key, x.generation);
}

// An operator's look at one order: persisted row, history, live actor.
struct inspect_order {
  domain::payment_order_id id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, inspect_order& x) {
  return f(x.id);
}

struct order_inspection {
  order_record record;   // record.found == false: no such order
  order_live_view live;  // live.in_memory == false: no actor runs
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, order_inspection& x) {
  return f(x.record, x.live);
}

// A verified PSP webhook: remember it (dedupe) and tell the order's actor to
// ask the PSP. The event's content is never trusted beyond naming the order:
// the PSP's answer to our own question decides, so duplicates and
// out-of-order events cannot move an order twice or backwards.
struct psp_webhook {
  std::string event_id;
  std::string type;
  domain::payment_order_id order;  // empty: not about one of our orders
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, psp_webhook& x) {
  return f(x.event_id, x.type, x.order);
}

// A merchant's fulfilment (capture: all, or `amount`, a decimal string of
// the order's currency, the rest released) or cancel (void) of an order
// authorized for capture on fulfilment.
struct settle_order {
  domain::payment_order_id id;
  bool capture = true;  // false: void
  std::string amount;   // capture only; empty: everything authorized
  std::string correlation_id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, settle_order& x) {
  return f(x.id, x.capture, x.amount, x.correlation_id);
}

// Internal, sent to itself at start: bring unfinished checkouts back to life.
using recover_atom = caf::atom_constant<caf::atom("recover")>;
// Time to count the open checkouts per account again.
using count_open_atom = caf::atom_constant<caf::atom("count_open")>;

using payment_service_actor = caf::typed_actor<
  caf::replies_to<create_payment>::with<create_payment_reply>,
  caf::replies_to<load_checkout>::with<checkout_lookup>,
  caf::replies_to<load_order>::with<order_lookup>,
  caf::replies_to<check_ready>::with<ready_reply>,
  caf::replies_to<complete_idempotency_key>::with<step_reply>,
  caf::replies_to<list_dead_letters>::with<dead_letters>,
  caf::replies_to<requeue_dead_letter>::with<operator_reply>,
  caf::replies_to<resolve_dead_letter>::with<operator_reply>,
  caf::replies_to<resume_checkout>::with<bool>,
  caf::replies_to<inspect_order>::with<order_inspection>,
  caf::replies_to<list_orders>::with<order_page>,
  caf::replies_to<psp_webhook>::with<webhook_outcome>,
  caf::replies_to<list_reviews>::with<reviews>,
  caf::replies_to<decide_review>::with<review_reply>,
  caf::replies_to<settle_order>::with<settle_reply>,
  caf::replies_to<load_cluster>::with<cluster_view>,
  caf::reacts_to<recover_atom>, caf::reacts_to<count_open_atom>,
  caf::reacts_to<key_expired>>;

}  // namespace pay
