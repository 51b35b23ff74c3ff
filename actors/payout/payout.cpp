#include "actors/payout/payout.hpp"

// One actor per pay-out; the only writer of its row while it lives.
//
//   CREATED --POST /v1/payouts (key = payout id)--> pending: IN_TRANSIT
//      |      answer lost / 5xx / 429: attempt recorded, backoff, same key
//      +--final 4xx or failed--> FAILED (money back to the seller)
//   IN_TRANSIT --GET /v1/payouts/{po}, backoff up to poll_max, or at once
//      |          when a payout.* webhook pokes--> paid: PAID
//      +--failed--> FAILED (money back to the seller)
//
// Every move is a compare-and-set on (status, version) in the store, with
// its ledger and wallet effect in the same transaction. There is no retry
// budget: giving up on a pay-out the provider may hold would either lose
// the seller's money or pay it twice, so it keeps asking (the delay is
// capped) and operators see the attempts in its history.

#include <cctype>

#include "domain/common/assert.hpp"
#include "domain/common/retry_schedule.hpp"
#include "domain/payout/payout_outcome.hpp"
#include "domain/payout/payout_status.hpp"
#include "http/form.hpp"
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
  static inline const char* name = "payout";
};

using payout_self = payout_actor::stateful_pointer<payout_state>;

void step(payout_self self);

std::string lowercase(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

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
  // on_answer only asks for moves the table allows from the row's status,
  // and the classifier names the provider's pay-out on every answer that
  // moves one.
  PAY_ASSERT(domain::next_status(st.row.status, event));
  PAY_ASSERT(event == domain::payout_event::psp_rejected
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

void record_attempt(payout_self self, const domain::payout_outcome& out) {
  auto& st = self->state;
  record_payout_attempt cmd{st.row.payout_id, st.row.version,
                            std::string{domain::to_string(out.kind)},
                            out.failure_code + ": " + out.failure_message,
                            st.correlation_id};
  st.in_flight = true;
  self->request(st.deps.store, st.deps.store_timeout, std::move(cmd))
    .then(
      [=](const payout_step& s) {
        call_done(self);
        adopt(self, s);
        if (!s.applied) {  // the row moved meanwhile: continue from it
          step(self);
          return;
        }
        log::warn(self->state.correlation_id, "payout {} attempt {}: {} {}",
                  self->state.row.payout_id.value, self->state.row.attempts,
                  out.failure_code, out.failure_message);
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

void on_answer(payout_self self, const domain::payout_outcome& out) {
  using domain::payout_event;
  using domain::payout_kind;
  bool created = self->state.row.status == domain::payout_status::created;
  switch (out.kind) {
    case payout_kind::pending:
      if (created) {
        advance(self, payout_event::psp_accepted, out);
      } else {
        self->state.schedule.on_success();
        poll_later(self);
      }
      return;
    case payout_kind::paid:
      // Paid before we recorded it accepted: record both moves in order.
      advance(self,
              created ? payout_event::psp_accepted : payout_event::psp_paid,
              out);
      return;
    case payout_kind::failed:
      advance(self, payout_event::psp_failed, out);
      return;
    case payout_kind::rejected:
      // Only a create can be refused for good; a refused status question
      // says nothing about a pay-out the provider accepted.
      if (created)
        advance(self, payout_event::psp_rejected, out);
      else
        record_attempt(self, out);
      return;
    case payout_kind::retry:
      record_attempt(self, out);
      return;
  }
}

psp_call provider_call(const payout_state& st) {
  if (st.row.status == domain::payout_status::created)
    return make_create_payout_call(st.row, st.correlation_id);
  return make_get_payout_call(st.row.psp_reference, st.correlation_id);
}

void step(payout_self self) {
  auto& st = self->state;
  if (st.in_flight) return;
  if (domain::is_final(st.row.status)) {
    log::info(st.correlation_id, "payout {} finished: {}",
              st.row.payout_id.value, domain::to_db_string(st.row.status));
    self->quit();
    return;
  }
  st.poke_pending = false;
  ++st.timer_generation;  // this ask supersedes any timer set before
  st.in_flight = true;
  self->request(st.deps.psp, st.deps.psp_timeout, provider_call(st))
    .then(
      [=](const psp_reply& reply) {
        call_done(self);
        auto out = domain::classify_payout(reply.transport, reply.http_status,
                                           reply.body);
        if (out.kind == domain::payout_kind::retry && !reply.error.empty())
          out.failure_message += " (" + reply.error + ")";
        on_answer(self, out);
        if (self->state.poke_pending && !self->state.in_flight) step(self);
      },
      [=](caf::error& err) {
        call_done(self);
        domain::payout_outcome out;
        out.failure_code = "psp_client";
        out.failure_message = caf::to_string(err);
        record_attempt(self, out);
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

psp_call make_create_payout_call(const payout_view& row,
                                 const std::string& correlation_id) {
  // The release created it from a positive balance, in the seller's name.
  PAY_ASSERT(row.amount_minor > 0 && !row.seller_account.empty());
  http::form_fields form{{"amount", std::to_string(row.amount_minor)},
                         {"currency", lowercase(row.currency)},
                         {"destination", row.seller_account},
                         {"metadata[payout_id]", row.payout_id.value}};
  return psp_post_call("/v1/payouts", http::form_encode(form),
                       row.payout_id.value, correlation_id);
}

psp_call make_get_payout_call(const std::string& psp_reference,
                              const std::string& correlation_id) {
  return psp_get_call(
    "/v1/payouts/" + http::url_encode_component(psp_reference), correlation_id);
}

}  // namespace pay
