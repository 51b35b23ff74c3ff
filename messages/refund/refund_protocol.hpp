#pragma once
// The refund side: the service (creates refunds, answers reads, runs one
// refund actor per unfinished refund), its store (a detached actor owning a
// database connection) and the refund actors. Message structs and typed
// interfaces only.

#include <caf/all.hpp>

#include "domain/common/webhook_outcome.hpp"
#include "domain/refund/refund_records.hpp"

namespace pay {

using refund_recover_atom = caf::atom_constant<caf::atom("rfrecover")>;
// A refund actor's timer (with its generation: a later step supersedes it)
// and a webhook's nudge to ask the PSP now.
using refund_step_atom = caf::atom_constant<caf::atom("rfstep")>;
using refund_poke_atom = caf::atom_constant<caf::atom("rfpoke")>;

// A refund's actor ended: the refund is final, or parked in the dead-letter
// queue (still CREATED or PENDING). The service answers the waiting POSTs.
struct refund_finished {
  refund_view refund;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, refund_finished& x) {
  return f(x.refund);
}

// Internal to the service: a `Prefer: wait` ran out.
struct refund_wait_over {
  domain::refund_id refund_id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, refund_wait_over& x) {
  return f(x.refund_id);
}

// Internal to the service: start a crashed refund's actor again.
struct refund_restart {
  domain::refund_id refund_id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, refund_restart& x) {
  return f(x.refund_id);
}

using refund_service_actor = caf::typed_actor<
  caf::replies_to<create_refund>::with<create_refund_reply>,
  caf::replies_to<get_refund>::with<refund_lookup>,
  caf::replies_to<list_refunds>::with<refund_list>,
  caf::reacts_to<refund_finished>, caf::reacts_to<refund_wait_over>,
  caf::reacts_to<refund_restart>, caf::reacts_to<refund_recover_atom>,
  caf::replies_to<refund_webhook>::with<webhook_outcome>,
  // Operators: every refund, and the refunds' dead-letter queue.
  caf::replies_to<list_refunds_admin>::with<refund_page>,
  caf::replies_to<list_refund_dead_letters>::with<refund_dead_letter_page>,
  caf::replies_to<requeue_refund_dead_letter>::with<refund_dead_letter_reply>,
  caf::replies_to<resolve_refund_dead_letter>::with<refund_dead_letter_reply>>;

// --- the refund store -----------------------------------------------------

using refund_store_actor = caf::typed_actor<
  caf::replies_to<create_refund>::with<create_refund_reply>,
  caf::replies_to<get_refund>::with<refund_lookup>,
  caf::replies_to<list_refunds>::with<refund_list>,
  caf::replies_to<load_open_refunds>::with<open_refunds>,
  caf::replies_to<load_refund_work>::with<refund_step_reply>,
  caf::replies_to<record_refund_attempt>::with<refund_step_reply>,
  caf::replies_to<move_refund>::with<refund_step_reply>,
  caf::replies_to<list_refunds_admin>::with<refund_page>,
  caf::replies_to<park_refund>::with<refund_step_reply>,
  caf::replies_to<list_refund_dead_letters>::with<refund_dead_letter_page>,
  caf::replies_to<load_refund_dead_letter>::with<refund_dead_letter_lookup>,
  caf::replies_to<requeue_refund_dead_letter>::with<refund_dead_letter_reply>,
  caf::replies_to<close_refund_dead_letter>::with<refund_dead_letter_reply>>;

// --- one refund actor -------------------------------------------------------

using refund_actor =
  caf::typed_actor<caf::reacts_to<refund_step_atom, std::uint64_t>,
                   caf::reacts_to<refund_poke_atom>>;

}  // namespace pay
