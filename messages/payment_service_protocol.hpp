#pragma once
// The payment service: the entry point the gateway talks to. It creates
// checkouts, spawns and supervises checkout actors, and answers reads.

#include <caf/all.hpp>

#include "messages/store_protocol.hpp"

namespace pay {

struct create_payment {
  new_checkout checkout;
  std::uint32_t wait_ms = 0;  // Prefer: wait=N; 0 = answer once stored
  std::string correlation_id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, create_payment& x) {
  return f(x.checkout, x.wait_ms, x.correlation_id);
}

struct create_payment_reply {
  insert_outcome outcome = insert_outcome::created;
  std::string conflicting_order_id;
  checkout_view view;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, create_payment_reply& x) {
  return f(x.outcome, x.conflicting_order_id, x.view);
}

// Internal, sent to itself at start: bring unfinished checkouts back to life.
using recover_atom = caf::atom_constant<caf::atom("recover")>;

using payment_service_actor = caf::typed_actor<
  caf::replies_to<create_payment>::with<create_payment_reply>,
  caf::replies_to<load_checkout>::with<checkout_lookup>,
  caf::replies_to<load_order>::with<order_lookup>,
  caf::replies_to<load_wallet>::with<wallet_view>,
  caf::replies_to<check_ready>::with<ready_reply>,
  caf::reacts_to<recover_atom>>;

}  // namespace pay
