#include "actors/refund/refund.hpp"

// One actor per refund that is not final yet.
//
//   (load row) --> CREATED --POST /v1/refunds (key = refund id)--> answer
//                    ^                                               |
//                    | undecided (5xx, 429, 409, lost answer):       |
//                    +--count the attempt, backoff, same key --------+
//                                                                    |
//        succeeded: SUCCEEDED (CAS + ledger + wallet + history) <----+
//        failed:    FAILED                                    <------+
//        pending:   PENDING, the PSP's re_... id stored       <------+
//
//   PENDING --GET /v1/refunds/{re}, polls doubling up to poll_max, or at
//             once on a refund.updated webhook--> SUCCEEDED | FAILED
//
//   CREATED, retry budget spent (psp.retry_deadline_ms and
//   psp.retry_attempts_max, as orders) --> dead letter (parked), quit
//
// The refund id is the PSP's idempotency key, so asking again after a lost
// answer replays the first refund instead of making a second one, as long
// as the PSP still keeps the key (Stripe: 24 h). A CREATED refund older than
// deps.key_trust_s first lists the payment's refunds at the PSP and adopts
// ours if it is there; only a refund the PSP does not have is POSTed. A
// PENDING refund is never POSTed again. A refund that may have happened at
// the PSP is never failed by us without the PSP saying so: a spent budget
// parks it for an operator, whose resolve asks the PSP first
// (docs/refunds.md).

#include "domain/common/assert.hpp"
#include "domain/common/rfc3339.hpp"
#include "domain/refund/refund_dead_letter.hpp"
#include "http/form.hpp"
#include "observability/log.hpp"
#include "observability/metrics.hpp"

namespace pay {

namespace {

using refund_self = refund_actor::stateful_pointer<refund_state>;

void step(refund_self self);

void step_after(refund_self self, std::uint32_t delay_ms) {
  auto gen = ++self->state.timer_generation;
  self->delayed_send(self, std::chrono::milliseconds{delay_ms},
                     refund_step_atom::value, gen);
}

// A call ended. A webhook that came while it ran asks the PSP again now.
void call_done(refund_self self) { self->state.in_flight = false; }

bool poke_waiting(refund_self self) {
  auto& st = self->state;
  if (!st.poke_pending) return false;
  st.poke_pending = false;
  step(self);
  return true;
}

// Our own side failed (store or PSP client unreachable): try the step again
// later. Nothing was learnt, so no PSP attempt is counted.
void retry_later(refund_self self, std::string_view why) {
  auto& st = self->state;
  call_done(self);
  auto delay_ms = st.schedule.after_failure_ms();
  log::warn(st.correlation_id, "refund {} retry {} in {} ms: {}",
            st.row.view.refund_id.value, st.schedule.failures(), delay_ms, why);
  step_after(self, delay_ms);
}

void adopt(refund_self self, const refund_step_reply& reply) {
  auto& st = self->state;
  st.schedule.on_success();
  if (reply.found) {
    st.row = reply.current;
    st.loaded = true;
  }
}

// `event` moves the refund from its current status; PENDING then waits for
// the next poll, anything else is final and reported by step().
void move(refund_self self, domain::refund_event event,
          const domain::refund_outcome& answer) {
  auto& st = self->state;
  auto from = st.row.view.status;
  auto to = domain::next_status(from, event);
  PAY_ASSERT(to.has_value());
  move_refund cmd{st.row.view.refund_id,
                  st.row.version,
                  from,
                  *to,
                  event,
                  answer.psp_reference,
                  answer.failure_code,
                  answer.failure_message,
                  st.correlation_id};
  self->request(st.deps.store, st.deps.store_timeout, std::move(cmd))
    .then(
      [=](const refund_step_reply& reply) {
        auto& st = self->state;
        call_done(self);
        adopt(self, reply);
        if (reply.applied) {
          log::info(st.correlation_id, "refund {} {} -> {} ({})",
                    st.row.view.refund_id.value, domain::to_db_string(from),
                    domain::to_db_string(st.row.view.status),
                    answer.psp_reference.empty() ? answer.failure_code
                                                 : answer.psp_reference);
          obs::metrics::get().money_movement("refund", domain::to_db_string(
                                                         st.row.view.status));
        }
        if (poke_waiting(self)) return;
        if (st.row.view.status == domain::refund_status::pending) {
          step_after(self, st.schedule.next_poll_ms());
          return;
        }
        step(self);
      },
      [=](caf::error& err) { retry_later(self, caf::to_string(err)); });
}

// The refund waits in its dead-letter queue from now on: no actor drives
// it until an operator requeues it. A store that does not answer is asked
// again (step() parks while park_reason is set).
void park(refund_self self) {
  auto& st = self->state;
  st.in_flight = true;
  park_refund cmd{st.row.view.refund_id, st.park_reason, st.park_error, false,
                  st.correlation_id};
  self->request(st.deps.store, st.deps.store_timeout, std::move(cmd))
    .then(
      [=](const refund_step_reply& reply) {
        auto& st = self->state;
        call_done(self);
        adopt(self, reply);
        if (reply.applied) {
          log::error(st.correlation_id,
                     "dead-lettering refund {}: {} ({}) after {} PSP attempts",
                     st.row.view.refund_id.value, st.park_reason, st.park_error,
                     st.row.attempts);
          obs::metrics::get().money_movement("refund", "dead_lettered");
        }
        self->send(st.service, refund_finished{st.row.view});
        self->quit();
      },
      [=](caf::error& err) { retry_later(self, caf::to_string(err)); });
}

std::uint32_t attempt_delay_ms(refund_self self) {
  auto& st = self->state;
  return st.schedule.after_attempt_ms(
    static_cast<std::uint32_t>(st.row.attempts));
}

void after_undecided_attempt(refund_self self,
                             const domain::refund_outcome& answer) {
  auto& st = self->state;
  auto delay_ms = attempt_delay_ms(self);
  record_refund_attempt cmd{st.row.view.refund_id,
                            std::string{domain::to_string(answer.kind)},
                            answer.failure_code + ": " + answer.failure_message,
                            delay_ms,
                            st.correlation_id,
                            answer.may_have_refunded};
  self->request(st.deps.store, st.deps.store_timeout, std::move(cmd))
    .then(
      [=](const refund_step_reply& reply) {
        call_done(self);
        adopt(self, reply);
        auto& st = self->state;
        if (!reply.applied) {
          step(self);  // finished meanwhile: report it
          return;
        }
        if (domain::refund_budget_spent(st.row.view.status, st.row.attempts,
                                        st.row.first_attempt_age_ms,
                                        st.deps.retry.attempts_max,
                                        st.deps.retry_deadline.count())) {
          st.park_reason = "retry_budget_exhausted";
          st.park_error = answer.failure_code;
          park(self);
          return;
        }
        if (poke_waiting(self)) return;
        log::warn(st.correlation_id,
                  "refund {} PSP call {} undecided ({}), next in {} ms",
                  st.row.view.refund_id.value, st.row.attempts,
                  answer.failure_code, delay_ms);
        step_after(self, delay_ms);
      },
      [=](caf::error& err) { retry_later(self, caf::to_string(err)); });
}

void call_psp(refund_self self, std::string_view operation, psp_call call);

void on_answer(refund_self self, const domain::refund_outcome& answer) {
  auto& st = self->state;
  switch (answer.kind) {
    case domain::refund_kind::succeeded:
      move(self, domain::refund_event::psp_succeeded, answer);
      return;
    case domain::refund_kind::failed:
      move(self, domain::refund_event::psp_failed, answer);
      return;
    case domain::refund_kind::pending:
      if (st.row.view.status == domain::refund_status::created) {
        move(self, domain::refund_event::psp_pending, answer);
        return;
      }
      // Still pending at the PSP: nothing to write, ask again later.
      call_done(self);
      if (poke_waiting(self)) return;
      step_after(self, st.schedule.next_poll_ms());
      return;
    case domain::refund_kind::absent:
      // The lookup found none of ours: the PSP never made it, so creating
      // it now cannot refund twice.
      call_psp(self, "create_refund",
               make_refund_call(st.row, st.correlation_id));
      return;
    case domain::refund_kind::retry:
      after_undecided_attempt(self, answer);
      return;
  }
}

domain::refund_outcome classify(const refund_state& st,
                                std::string_view operation,
                                const psp_reply& reply) {
  if (operation == "find_refund")
    return domain::classify_refund_lookup(reply.transport, reply.http_status,
                                          reply.body,
                                          st.row.view.refund_id.value);
  auto out = domain::classify_refund(reply.transport, reply.http_status,
                                     reply.body);
  // Only the create can have refunded; reading a pending one back cannot.
  if (operation != "create_refund") out.may_have_refunded = false;
  return out;
}

void call_psp(refund_self self, std::string_view operation, psp_call call) {
  auto& st = self->state;
  st.in_flight = true;
  auto started = std::chrono::steady_clock::now();
  auto seconds_since = [started] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now()
                                         - started)
      .count();
  };
  self->request(st.deps.psp, st.deps.psp_timeout, std::move(call))
    .then(
      [=](const psp_reply& reply) {
        auto answer = classify(self->state, operation, reply);
        obs::metrics::get().psp_call(operation, domain::to_string(answer.kind),
                                     seconds_since());
        on_answer(self, answer);
      },
      [=](caf::error& err) {
        // The call may have gone out: an undecided attempt, asked again.
        obs::metrics::get().psp_call(operation, "retry", seconds_since());
        on_answer(self, domain::refund_outcome{domain::refund_kind::retry,
                                               {},
                                               "psp_client_error",
                                               caf::to_string(err),
                                               operation == "create_refund"});
      });
}

void load(refund_self self) {
  auto& st = self->state;
  st.in_flight = true;
  self
    ->request(st.deps.store, st.deps.store_timeout,
              load_refund_work{st.row.view.refund_id})
    .then(
      [=](const refund_step_reply& reply) {
        call_done(self);
        if (!reply.found) {
          log::error(self->state.correlation_id, "refund {} has no row",
                     self->state.row.view.refund_id.value);
          self->quit();
          return;
        }
        adopt(self, reply);
        step(self);
      },
      [=](caf::error& err) { retry_later(self, caf::to_string(err)); });
}

void step(refund_self self) {
  auto& st = self->state;
  if (st.in_flight) return;
  ++st.timer_generation;  // this step supersedes any timer set before
  if (!st.loaded) {
    load(self);
    return;
  }
  if (domain::is_final(st.row.view.status) || st.row.parked) {
    // A parked refund (this actor loaded a row an operator holds) waits
    // for the operator, not for this actor.
    self->send(st.service, refund_finished{st.row.view});
    self->quit();
    return;
  }
  if (!st.park_reason.empty()) {
    park(self);
    return;
  }
  const auto& cid = st.correlation_id;
  if (st.row.view.status == domain::refund_status::pending) {
    call_psp(self, "get_refund",
             make_get_refund_call(st.row.view.psp_reference, cid));
    return;
  }
  if (domain::unix_now_s() - st.row.created_unix_s >= st.deps.key_trust_s) {
    call_psp(self, "find_refund",
             make_find_refunds_call(st.row.payment_intent, cid));
    return;
  }
  call_psp(self, "create_refund", make_refund_call(st.row, cid));
}

}  // namespace

psp_call make_refund_call(const refund_work& work,
                          const std::string& correlation_id) {
  PAY_ASSERT(work.view.amount_minor > 0);
  http::form_fields form = {
    {"payment_intent", work.payment_intent},
    {"amount", std::to_string(work.view.amount_minor)},
    {"metadata[refund_id]", work.view.refund_id.value},
    {"metadata[payment_order_id]", work.view.payment_order_id},
  };
  return psp_post_call("/v1/refunds", http::form_encode(form),
                       work.view.refund_id.value, correlation_id);
}

psp_call make_get_refund_call(const std::string& psp_reference,
                              const std::string& correlation_id) {
  PAY_ASSERT(!psp_reference.empty());
  return psp_get_call(
    "/v1/refunds/" + http::url_encode_component(psp_reference), correlation_id);
}

psp_call make_find_refunds_call(const std::string& payment_intent,
                                const std::string& correlation_id) {
  PAY_ASSERT(!payment_intent.empty());
  return psp_get_call("/v1/refunds?limit=100&payment_intent="
                        + http::url_encode_component(payment_intent),
                      correlation_id);
}

refund_actor::behavior_type refund_behavior(refund_self self, refund_deps deps,
                                            std::string refund_id,
                                            refund_service_actor service,
                                            std::string correlation_id) {
  auto& st = self->state;
  st.deps = std::move(deps);
  st.service = std::move(service);
  st.row.view.refund_id.value = std::move(refund_id);
  st.correlation_id = std::move(correlation_id);
  st.schedule = domain::retry_schedule{st.row.view.refund_id.value,
                                       st.deps.retry, st.deps.poll};
  // The first step runs once the behaviour is in place.
  self->send(self, refund_poke_atom::value);
  return {
    [=](refund_step_atom, std::uint64_t generation) {
      if (generation == self->state.timer_generation) step(self);
    },
    [=](refund_poke_atom) {
      auto& st = self->state;
      // News from the PSP: read it now, then poll from the base again.
      st.schedule.restart_polls();
      if (st.in_flight)
        st.poke_pending = true;
      else
        step(self);
    },
  };
}

}  // namespace pay
