#include "actors/payout/payout.hpp"

// One actor per pay-out; the only writer of its row while it lives. Which
// call it makes and what an answer means are pure functions
// (domain/payout/payout_steps.hpp); this file carries them out:
//
//   CREATED      transfer to the seller's connected account   -> TRANSFERRED
//   TRANSFERRED  pay-out on that account                       -> IN_TRANSIT
//   IN_TRANSIT   read it, backoff up to poll_max, or at once when a payout.*
//                webhook pokes                                 -> PAID
//   a refused or failed pay-out: REVERSING, the transfer taken back -> FAILED
//                (money back to the seller's wallet)
//
// Every move is a compare-and-set on (status, version) in the store, with
// its ledger and wallet effect in the same transaction. A step (CREATED,
// TRANSFERRED, REVERSING) whose calls decide nothing spends a retry budget
// (psp.retry_deadline_ms and psp.retry_attempts_max, as orders); spent, the
// pay-out is parked in its dead-letter queue, never failed: giving up on a
// pay-out the provider may hold would either lose the seller's money or pay
// it twice, so an operator's resolve asks the provider first
// (docs/payouts.md). IN_TRANSIT waits for the provider and spends none.

#include "actors/payout/payout_calls.hpp"
#include "domain/common/assert.hpp"
#include "domain/common/retry_schedule.hpp"
#include "domain/common/rfc3339.hpp"
#include "domain/payout/payout_dead_letter.hpp"
#include "domain/payout/payout_outcome.hpp"
#include "domain/payout/payout_status.hpp"
#include "domain/payout/payout_steps.hpp"
#include "observability/log.hpp"
#include "observability/metrics.hpp"

namespace pay {

namespace {

struct payout_state {
  payout_deps deps;
  payout_view row;
  std::string correlation_id;
  bool in_flight = false;     // a provider or store call is running
  bool poke_pending = false;  // a webhook arrived meanwhile: ask again
  std::uint64_t timer_generation = 0;
  domain::retry_schedule schedule;  // failed calls and IN_TRANSIT polls
  // A lookup answered "absent" since the last create: the create is safe.
  bool looked_up = false;
  // REVERSING: the transfer was read and is not reversed yet.
  bool transfer_checked = false;
  // Set once the budget is spent: every step from then on parks it.
  std::string park_reason;
  std::string park_error;
  static inline const char* name = "payout";
};

using payout_self = payout_actor::stateful_pointer<payout_state>;

void step(payout_self self);

void step_after(payout_self self, std::chrono::milliseconds delay) {
  auto gen = ++self->state.timer_generation;
  self->delayed_send(self, delay, payout_step_atom::value, gen);
}

// A call failed or decided nothing: again after a jittered, capped delay.
void retry_later(payout_self self) {
  step_after(self, std::chrono::milliseconds{
                     self->state.schedule.after_failure_ms()});
}

void poll_later(payout_self self) {
  step_after(self,
             std::chrono::milliseconds{self->state.schedule.next_poll_ms()});
}

// The call in flight ended: a poke that came meanwhile asks again at once.
void call_done(payout_self self) { self->state.in_flight = false; }

void adopt(payout_self self, const payout_step& s) {
  if (s.found) self->state.row = s.row;
}

void advance(payout_self self, domain::payout_event event,
             const domain::payout_outcome& out) {
  auto& st = self->state;
  // react() only asks for moves the table allows from the row's status, and
  // the classifier names the provider's object on every answer that moves
  // one forward.
  PAY_ASSERT(domain::next_status(st.row.status, event));
  PAY_ASSERT(event == domain::payout_event::psp_rejected
             || event == domain::payout_event::transfer_reversed
             || !out.psp_reference.empty());
  advance_payout cmd{st.row.payout_id,    st.row.status,
                     st.row.version,      event,
                     out.psp_reference,   out.failure_code,
                     out.failure_message, st.correlation_id};
  st.in_flight = true;
  self->request(st.deps.store, st.deps.store_timeout, std::move(cmd))
    .then(
      [=](const payout_step& s) {
        auto& st = self->state;
        call_done(self);
        st.schedule.on_success();
        st.looked_up = false;
        st.transfer_checked = false;
        adopt(self, s);
        if (s.applied) {
          log::info(st.correlation_id, "payout {} -> {} ({})",
                    st.row.payout_id.value, domain::to_db_string(st.row.status),
                    domain::to_string(event));
          if (domain::is_final(st.row.status))
            obs::metrics::get().money_movement("payout", domain::to_db_string(
                                                           st.row.status));
        }
        step(self);
      },
      [=](caf::error& err) {
        call_done(self);
        log::warn(self->state.correlation_id, "payout {} store: {}",
                  self->state.row.payout_id.value, caf::to_string(err));
        retry_later(self);
      });
}

// The pay-out waits in its dead-letter queue from now on: no actor drives
// it until an operator requeues it. A store that does not answer is asked
// again (step() parks while park_reason is set).
void park(payout_self self) {
  auto& st = self->state;
  park_payout cmd{st.row.payout_id, st.park_reason, st.park_error, false,
                  st.correlation_id};
  st.in_flight = true;
  self->request(st.deps.store, st.deps.store_timeout, std::move(cmd))
    .then(
      [=](const payout_step& s) {
        auto& st = self->state;
        call_done(self);
        adopt(self, s);
        if (s.applied) {
          log::error(st.correlation_id,
                     "dead-lettering payout {} ({}): {} ({}) after {} "
                     "attempts of the step",
                     st.row.payout_id.value,
                     domain::to_db_string(st.row.status), st.park_reason,
                     st.park_error, st.row.step_attempts);
          obs::metrics::get().money_movement("payout", "dead_lettered");
        }
        self->quit();
      },
      [=](caf::error& err) {
        call_done(self);
        log::warn(self->state.correlation_id, "payout {} store: {}",
                  self->state.row.payout_id.value, caf::to_string(err));
        retry_later(self);
      });
}

// `call`: what was asked (a money-moving call's lost answer may have moved
// money).
void record_attempt(payout_self self, domain::payout_call call,
                    const domain::payout_outcome& out) {
  auto& st = self->state;
  record_payout_attempt cmd{st.row.payout_id,
                            st.row.version,
                            std::string{domain::to_string(out.kind)},
                            out.failure_code + ": " + out.failure_message,
                            st.correlation_id,
                            domain::moves_money(call) && out.may_have_acted};
  st.in_flight = true;
  self->request(st.deps.store, st.deps.store_timeout, std::move(cmd))
    .then(
      [=](const payout_step& s) {
        call_done(self);
        self->state.transfer_checked = false;  // read the transfer again
        adopt(self, s);
        if (!s.applied) {  // the row moved meanwhile: continue from it
          step(self);
          return;
        }
        log::warn(self->state.correlation_id, "payout {} attempt {}: {} {}",
                  self->state.row.payout_id.value, self->state.row.attempts,
                  out.failure_code, out.failure_message);
        const auto& row = self->state.row;
        if (domain::payout_budget_spent(
              row.status, row.step_attempts, row.first_attempt_age_ms,
              self->state.deps.retry.attempts_max,
              self->state.deps.retry_deadline.count())) {
          self->state.park_reason = "retry_budget_exhausted";
          self->state.park_error = out.failure_code;
          park(self);
          return;
        }
        if (self->state.poke_pending)
          step(self);
        else
          retry_later(self);
      },
      [=](caf::error& err) {
        call_done(self);
        log::warn(self->state.correlation_id, "payout {} store: {}",
                  self->state.row.payout_id.value, caf::to_string(err));
        retry_later(self);
      });
}

void on_answer(payout_self self, domain::payout_call call,
               const domain::payout_outcome& out) {
  using domain::payout_reaction_kind;
  auto& st = self->state;
  if (call == domain::payout_call::create_transfer
      || call == domain::payout_call::create_payout)
    st.looked_up = false;  // the next create after this looks up again
  auto reaction = domain::react(st.row.status, call, out.kind);
  switch (reaction.kind) {
    case payout_reaction_kind::advance:
      advance(self, reaction.event, out);
      return;
    case payout_reaction_kind::record_attempt:
      record_attempt(self, call, out);
      return;
    case payout_reaction_kind::poll:
      st.schedule.on_success();
      poll_later(self);
      return;
    case payout_reaction_kind::create_now:
      st.schedule.on_success();
      st.looked_up = true;
      step(self);
      return;
    case payout_reaction_kind::reverse_now:
      st.schedule.on_success();
      st.transfer_checked = true;
      step(self);
      return;
  }
}

// Whether the create's key may have expired at the provider: the pay-out
// is older than we trust keys to live (measured from its creation, which is
// never later than the key's first use).
bool key_may_have_expired(const payout_state& st) {
  auto created = domain::unix_s_of_rfc3339(st.row.created_at);
  return !created || domain::unix_now_s() - *created >= st.deps.key_trust_s;
}

domain::payout_call next_call(const payout_state& st) {
  return domain::next_call(domain::payout_call_facts{
    st.row.status, !st.row.stripe_account.empty(),
    !st.row.transfer_reference.empty(),
    !st.looked_up && key_may_have_expired(st), st.transfer_checked});
}

void step(payout_self self) {
  using domain::payout_call;
  auto& st = self->state;
  if (st.in_flight) return;
  if (domain::is_final(st.row.status)) {
    log::info(st.correlation_id, "payout {} finished: {}",
              st.row.payout_id.value, domain::to_db_string(st.row.status));
    self->quit();
    return;
  }
  if (st.row.parked) {
    // Started on a row an operator holds: the operator decides, not this
    // actor.
    self->quit();
    return;
  }
  if (!st.park_reason.empty()) {
    park(self);
    return;
  }
  st.poke_pending = false;
  ++st.timer_generation;  // this ask supersedes any timer set before
  auto call = next_call(st);
  if (call == payout_call::no_account) {
    // Made before sellers had connected accounts: refuse it here, and the
    // money goes back to the wallet for the next run to send properly.
    domain::payout_outcome out;
    out.kind = domain::payout_kind::rejected;
    out.failure_code = "no_connected_account";
    out.failure_message = "the seller has no connected account";
    advance(self, domain::payout_event::psp_rejected, out);
    return;
  }
  if (call == payout_call::no_transfer) {
    advance(self, domain::payout_event::transfer_reversed, {});
    return;
  }
  st.in_flight = true;
  self
    ->request(st.deps.psp, st.deps.psp_timeout,
              make_payout_call(call, st.row, st.correlation_id))
    .then(
      [=](const psp_reply& reply) {
        call_done(self);
        auto out = domain::classify_payout(reply.transport, reply.http_status,
                                           reply.body,
                                           self->state.row.payout_id.value);
        if (out.kind == domain::payout_kind::retry && !reply.error.empty())
          out.failure_message += " (" + reply.error + ")";
        on_answer(self, call, out);
        if (self->state.poke_pending && !self->state.in_flight) step(self);
      },
      [=](caf::error& err) {
        call_done(self);
        domain::payout_outcome out;
        out.failure_code = "psp_client";
        out.failure_message = caf::to_string(err);
        out.may_have_acted = true;  // the call may have gone out
        record_attempt(self, call, out);
      });
}

payout_actor::behavior_type payout_behavior(payout_self self, payout_deps deps,
                                            payout_args args) {
  auto& st = self->state;
  st.deps = std::move(deps);
  st.row = std::move(args.row);
  st.correlation_id = std::move(args.correlation_id);
  PAY_ASSERT(!st.row.payout_id.value.empty());
  // Never retry a failed call at once: a broken dependency is not hammered.
  constexpr std::uint32_t failure_floor_ms = 20;
  st.schedule = domain::retry_schedule{
    st.row.payout_id.value, st.deps.retry,
    domain::poll_policy{static_cast<std::uint32_t>(st.deps.poll_base.count()),
                        static_cast<std::uint32_t>(st.deps.poll_max.count())},
    failure_floor_ms};
  step_after(self, std::chrono::milliseconds{0});
  return {
    [=](payout_step_atom, std::uint64_t generation) {
      if (generation == self->state.timer_generation) step(self);
    },
    [=](payout_poke_atom) {
      auto& st = self->state;
      st.schedule.restart_polls();  // news: ask now, then poll from the base
      if (st.in_flight)
        st.poke_pending = true;
      else
        step(self);
    },
  };
}

}  // namespace

payout_actor spawn_payout(caf::actor_system& sys, payout_deps deps,
                          payout_args args) {
  return sys.spawn(payout_behavior, std::move(deps), std::move(args));
}

}  // namespace pay
