#include "actors/refund/refund.hpp"

// One actor per refund that is not final yet.
//
//   (load row) --> CREATED --POST /v1/refunds--> PSP answer
//                    ^                              |
//                    |  retry (5xx, 429, 409,       +--succeeded--> SUCCEEDED
//                    |  lost answer, pending):      |   (CAS + ledger + wallet
//                    |  count the attempt,          |    + history, one txn)
//                    +--backoff, same key ----------+--failed-----> FAILED
//                                                         |
//                                       tell the service, stop <--+
//
// The refund id is the PSP's idempotency key, so asking again after a lost
// answer replays the first refund instead of making a second one. The retry
// budget (psp.retry_attempts_max) only changes the pace: past it the actor
// keeps asking at the maximum delay and logs an error each time, because a
// refund that may have happened at the PSP must never be failed by us
// without the PSP saying so (docs/refunds.md).

#include "domain/common/assert.hpp"
#include "http/form.hpp"
#include "observability/log.hpp"
#include "observability/metrics.hpp"

namespace pay {

namespace {

using refund_self = refund_actor::stateful_pointer<refund_state>;

void step(refund_self self);

void step_after(refund_self self, std::uint32_t delay_ms) {
  self->delayed_send(self, std::chrono::milliseconds{delay_ms},
                     refund_step_atom::value);
}

// Our own side failed (store or PSP client unreachable): try the step again
// later. Nothing was learnt, so no PSP attempt is counted.
void retry_later(refund_self self, std::string_view why) {
  auto& st = self->state;
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

void finish(refund_self self, domain::refund_event event,
            const domain::refund_outcome& answer) {
  auto& st = self->state;
  auto to = domain::next_status(domain::refund_status::created, event);
  PAY_ASSERT(to.has_value());
  finish_refund cmd{st.row.view.refund_id,
                    st.row.version,
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
        adopt(self, reply);
        if (reply.applied) {
          log::info(st.correlation_id, "refund {} CREATED -> {} ({})",
                    st.row.view.refund_id.value,
                    domain::to_db_string(st.row.view.status),
                    answer.psp_reference.empty() ? answer.failure_code
                                                 : answer.psp_reference);
          obs::metrics::get().money_movement("refund", domain::to_db_string(
                                                         st.row.view.status));
        }
        step(self);
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
                            delay_ms, st.correlation_id};
  self->request(st.deps.store, st.deps.store_timeout, std::move(cmd))
    .then(
      [=](const refund_step_reply& reply) {
        adopt(self, reply);
        auto& st = self->state;
        if (!reply.applied) {
          step(self);  // finished meanwhile: report it
          return;
        }
        auto attempts = static_cast<std::uint32_t>(st.row.attempts);
        if (attempts > st.deps.retry.attempts_max) {
          log::error(st.correlation_id,
                     "refund {} still undecided after {} PSP attempts ({}); "
                     "asking again every {} ms",
                     st.row.view.refund_id.value, attempts, answer.failure_code,
                     delay_ms);
          obs::metrics::get().money_movement("refund", "retry_budget_spent");
        } else {
          log::warn(st.correlation_id,
                    "refund {} PSP attempt {} undecided ({}), next in {} ms",
                    st.row.view.refund_id.value, attempts, answer.failure_code,
                    delay_ms);
        }
        step_after(self, delay_ms);
      },
      [=](caf::error& err) { retry_later(self, caf::to_string(err)); });
}

void on_answer(refund_self self, const domain::refund_outcome& answer) {
  switch (answer.kind) {
    case domain::refund_kind::succeeded:
      finish(self, domain::refund_event::psp_succeeded, answer);
      return;
    case domain::refund_kind::failed:
      finish(self, domain::refund_event::psp_failed, answer);
      return;
    case domain::refund_kind::retry:
      after_undecided_attempt(self, answer);
      return;
  }
}

void call_psp(refund_self self) {
  auto& st = self->state;
  auto started = std::chrono::steady_clock::now();
  auto seconds_since = [started] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now()
                                         - started)
      .count();
  };
  self
    ->request(st.deps.psp, st.deps.psp_timeout,
              make_refund_call(st.row, st.correlation_id))
    .then(
      [=](const psp_reply& reply) {
        auto answer = domain::classify_refund(reply.transport,
                                              reply.http_status, reply.body);
        obs::metrics::get().psp_call("create_refund",
                                     domain::to_string(answer.kind),
                                     seconds_since());
        on_answer(self, answer);
      },
      [=](caf::error& err) {
        // The call may have gone out: an undecided attempt, asked again
        // under the same key.
        obs::metrics::get().psp_call("create_refund", "retry", seconds_since());
        on_answer(self, domain::refund_outcome{domain::refund_kind::retry,
                                               {},
                                               "psp_client_error",
                                               caf::to_string(err)});
      });
}

void load(refund_self self) {
  auto& st = self->state;
  self
    ->request(st.deps.store, st.deps.store_timeout,
              load_refund_work{st.row.view.refund_id})
    .then(
      [=](const refund_step_reply& reply) {
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
  if (!st.loaded) {
    load(self);
    return;
  }
  if (domain::is_final(st.row.view.status)) {
    self->send(st.service, refund_finished{st.row.view});
    self->quit();
    return;
  }
  call_psp(self);
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
  return psp_call{"POST",
                  "/v1/refunds",
                  http::form_encode(form),
                  work.view.refund_id.value,
                  correlation_id,
                  {}};
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
                                       st.deps.retry, domain::poll_policy{}};
  self->send(self, refund_step_atom::value);
  return {
    [=](refund_step_atom) { step(self); },
  };
}

}  // namespace pay
