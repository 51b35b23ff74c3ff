#pragma once
// The pay-out service: releases sellers' funds whose conditions hold, creates
// pay-outs (never beyond the available balance), runs one payout actor per
// unfinished pay-out, and answers reads (wallet split, pay-outs).

#include <caf/all.hpp>

#include "domain/payout/payout_records.hpp"

namespace pay {

// The service's own timer (payouts.interval_s) and recovery at start.
using payout_tick_atom = caf::atom_constant<caf::atom("pyo_tick")>;
using payout_recover_atom = caf::atom_constant<caf::atom("pyo_recov")>;

// Internal to the service: start a crashed pay-out's actor again.
struct payout_restart {
  domain::payout_id payout_id;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, payout_restart& x) {
  return f(x.payout_id);
}

using payout_service_actor = caf::typed_actor<
  caf::replies_to<run_payouts>::with<payout_run_reply>,
  caf::replies_to<get_payout>::with<payout_lookup>,
  caf::replies_to<list_payouts>::with<payout_list>,
  caf::replies_to<payout_webhook>::with<webhook_outcome>,
  caf::replies_to<fulfill_order>::with<fulfill_reply>,
  caf::replies_to<load_wallet_balances>::with<wallet_balances>,
  caf::replies_to<connect_seller>::with<connect_reply>,
  caf::replies_to<get_connected_account>::with<connected_account_lookup>,
  caf::reacts_to<payout_tick_atom>, caf::reacts_to<payout_recover_atom>,
  caf::reacts_to<payout_restart>,
  // Operators: the pay-outs' dead-letter queue.
  caf::replies_to<list_payout_dead_letters>::with<payout_dead_letter_page>,
  caf::replies_to<requeue_payout_dead_letter>::with<payout_dead_letter_reply>,
  caf::replies_to<resolve_payout_dead_letter>::with<payout_dead_letter_reply>>;

// ---- Internal: between the service, the payout actors and the store. ----

// The detached actor that owns the pay-out side's database connection.
// payout_webhook here records the event id (dedupe) and says whether it is new.
using payout_store_actor = caf::typed_actor<
  caf::replies_to<release_payouts>::with<payout_run_reply>,
  caf::replies_to<load_open_payouts>::with<payout_list>,
  caf::replies_to<advance_payout>::with<payout_step>,
  caf::replies_to<record_payout_attempt>::with<payout_step>,
  caf::replies_to<get_payout>::with<payout_lookup>,
  caf::replies_to<list_payouts>::with<payout_list>,
  caf::replies_to<payout_webhook>::with<webhook_outcome>,
  caf::replies_to<fulfill_order>::with<fulfill_reply>,
  caf::replies_to<load_wallet_balances>::with<wallet_balances>,
  caf::replies_to<get_connected_account>::with<connected_account_lookup>,
  caf::replies_to<link_connected_account>::with<connect_reply>,
  caf::replies_to<park_payout>::with<payout_step>,
  caf::replies_to<list_payout_dead_letters>::with<payout_dead_letter_page>,
  caf::replies_to<load_payout_dead_letter>::with<payout_dead_letter_lookup>,
  caf::replies_to<requeue_payout_dead_letter>::with<payout_dead_letter_reply>,
  caf::replies_to<close_payout_dead_letter>::with<payout_dead_letter_reply>>;

// A payout actor: step (its own timer, with the timer's generation so a
// superseded timer is ignored) and poke (a webhook: ask the provider now).
using payout_step_atom = caf::atom_constant<caf::atom("pyo_step")>;
using payout_poke_atom = caf::atom_constant<caf::atom("pyo_poke")>;
using payout_actor =
  caf::typed_actor<caf::reacts_to<payout_step_atom, std::uint64_t>,
                   caf::reacts_to<payout_poke_atom>>;

}  // namespace pay
