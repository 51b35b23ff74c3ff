#include "actors/payin/payment_order.hpp"

// One actor per payment order; the only writer of its row.
//
//   NOT_STARTED --persist--> EXECUTING --PSP succeeded--> SUCCESS, booked in
//   (or stored EXECUTING by    |  ^                      the same write
//    the accept when risk      |  | transient / unknown:  (wallet + ledger)
//    allowed at insert)        |  | persist attempt,        |
//                              |  | backoff, same key       |
//                              |  +--                       |
//                              +--PSP declined--> FAILED    |
//                              |                            |
//                              +--PSP processing / 3-D Secure / hosted
//                              |  page registered --> PENDING: poll with
//                              |  growing backoff, or at once when a
//                              |  webhook pokes; succeeded / declined as
//                              |  above (one transition, whichever path
//                              |  asks first). A poll passivate_after or
//                              |  more away: persist it, report, stop (the
//                              |  poll waker resumes it when due)
//                              +--budget or deadline spent: |
//                                 dead-letter, park         |
//                                 FAILED / booked SUCCESS --+-> report, stop
//
// Every move is persisted (compare-and-set on status and version) before the
// actor acts on it, and what to do next is computed from the persisted row
// (domain::next_action), so a restarted actor resumes where the row says.
// The PSP attempt count and "maybe charged" are persisted too, so a restart
// neither resets the retry budget nor forgets that an answer was lost.

#include "actors/common/until_answered.hpp"
#include "domain/common/assert.hpp"
#include "domain/common/rfc3339.hpp"
#include "domain/ledger/ledger_postings.hpp"
#include "observability/log.hpp"

namespace pay {

namespace {

using order_self = payment_order_actor::stateful_pointer<payment_order_state>;

void step(order_self self);

// An order's writes go to its seller's store connection: a move to SUCCESS
// updates the seller's wallet row, so batches on different connections never
// wait for each other's wallet locks (nor deadlock on them).
const store_actor& store_of(const payment_order_state& st) {
  return st.deps.stores.for_key(st.row.seller.value);
}

void waiting_for(order_self self, const char* what) {
  self->state.waiting_on = what;
  self->state.next_retry_at.reset();
}

// Runs step() again after `delay_ms`; `timer` names the wait for operators.
void step_after(order_self self, std::uint32_t delay_ms, const char* timer) {
  auto& st = self->state;
  st.waiting_on = timer;
  st.next_retry_at = std::chrono::system_clock::now()
                     + std::chrono::milliseconds{delay_ms};
  self->delayed_send(self, std::chrono::milliseconds{delay_ms},
                     retry_step_atom::value);
}

// Nothing left to do in memory (finished, held, dead-lettered or
// passivated): the checkout gets the row as stored, and whether this
// order's own move marked it done; then the actor stops.
void report_and_stop(order_self self) {
  auto& st = self->state;
  waiting_for(self, "checkout");
  self->send(st.checkout, order_finished{st.row, st.checkout_done});
  self->quit();
}

// The row as persisted is the actor's status from now on.
void adopt(order_self self, order_view row) {
  auto& st = self->state;
  st.row = std::move(row);
  st.status_gauge.set(st.row.status);
}

// Our own infrastructure failed (store or executor unreachable): retry the
// step with backoff. This spends no PSP budget: nothing new was learnt.
void retry_later(order_self self, std::string_view why) {
  auto& st = self->state;
  auto delay_ms = st.schedule.after_failure_ms();
  log::warn(st.correlation_id, "order {} {} retry {} in {} ms: {}",
            st.row.id.value, domain::to_string(st.row.status),
            st.schedule.failures(), delay_ms, why);
  obs::metrics::get().order_retry("infrastructure");
  step_after(self, delay_ms, "retry_timer");
}

void park(order_self self) {
  auto& st = self->state;
  escalate_order cmd{st.row.id, st.park_reason, st.park_error,
                     st.row.psp_attempts, st.correlation_id};
  waiting_for(self, "dlq");
  self->request(st.deps.dlq, st.deps.store_timeout, std::move(cmd))
    .then(
      [=](const step_reply&) {
        self->state.row.parked = true;
        step(self);  // reports the order parked and stops
      },
      [=](caf::error& err) { retry_later(self, caf::to_string(err)); });
}

// The budget is time (psp.retry_deadline_ms): a PSP outage shorter than it
// never dead-letters an order, however many attempts fit in it. The count
// (psp.retry_attempts_max) is a floor, so a short deadline still gets that
// many tries; past it attempts go on at the longest backoff.
// The earliest our key (the order id) can have reached the PSP, on the wall
// clock the PSP keeps keys by: when the order was stored. Not the first
// recorded attempt: a dead-letter requeue starts that over, and a call whose
// answer could not be stored was never recorded.
std::int64_t key_first_used_unix_s(const payment_order_state& st) {
  if (auto created = domain::unix_s_of_rfc3339(st.row.created_at))
    return *created;
  if (!st.first_attempt_at) return 0;  // not stored yet: the key is new
  auto age = std::chrono::steady_clock::now() - *st.first_attempt_at;
  return std::chrono::duration_cast<std::chrono::seconds>(
           (std::chrono::system_clock::now() - age).time_since_epoch())
    .count();
}

bool budget_spent(const payment_order_state& st) {
  if (st.row.psp_attempts
      < static_cast<std::int32_t>(st.deps.retry.attempts_max))
    return false;
  return !st.first_attempt_at
         || std::chrono::steady_clock::now() - *st.first_attempt_at
              >= st.deps.retry_deadline;
}

// The row changed behind our back (dead-lettered by the watchdog, resolved
// by an operator): reload it and continue from the truth.
void resync(order_self self) {
  auto& st = self->state;
  waiting_for(self, "store");
  self->request(store_of(st), until_answered, load_order{st.row.id})
    .then(
      [=](const order_lookup& found) {
        if (found.found) adopt(self, found.view);
        step(self);
      },
      [=](caf::error& err) { retry_later(self, caf::to_string(err)); });
}

// A PSP attempt that did not decide the order: persist it (budget, history,
// maybe_charged), then either try again after backoff (growing with the
// attempts made) or dead-letter it.
void after_undecided_attempt(order_self self,
                             const domain::charge_outcome& out) {
  auto& st = self->state;
  const auto delay_ms = st.schedule.after_attempt_ms(
    static_cast<std::uint32_t>(st.row.psp_attempts));
  record_attempt cmd{st.row.id,
                     std::string{domain::to_string(out.kind)},
                     out.failure_code
                       + (out.failure_message.empty() ? "" : ": ")
                       + out.failure_message,
                     delay_ms,
                     st.row.maybe_charged,
                     out.psp_reference,
                     st.correlation_id};
  waiting_for(self, "store");
  self->request(store_of(st), until_answered, std::move(cmd))
    .then(
      [=](const step_reply& recorded) {
        auto& st = self->state;
        st.schedule.on_success();
        if (!recorded.applied_now) {
          resync(self);
          return;
        }
        ++st.row.psp_attempts;
        if (!st.first_attempt_at)
          st.first_attempt_at = std::chrono::steady_clock::now();
        if (budget_spent(st)) {
          st.park_reason = "retry_budget_exhausted";
          st.park_error = out.failure_code;
          park(self);
          return;
        }
        log::warn(st.correlation_id,
                  "order {} PSP attempt {} {} ({}), next in {} ms",
                  st.row.id.value, st.row.psp_attempts,
                  domain::to_string(out.kind), out.failure_code, delay_ms);
        obs::metrics::get().order_retry("psp");
        step_after(self, delay_ms, "retry_timer");
      },
      [=](caf::error& err) { retry_later(self, caf::to_string(err)); });
}

void on_charge_outcome(order_self self, const domain::charge_outcome& out);

void poll_later(order_self self, std::uint32_t delay_ms) {
  auto& st = self->state;
  st.waiting_on = "poll_timer";
  st.next_retry_at = std::chrono::system_clock::now()
                     + std::chrono::milliseconds{delay_ms};
  self->delayed_send(self, std::chrono::milliseconds{delay_ms},
                     poll_now_atom::value);
}

// A poll this far away is waited for in the database, not in memory: the
// row records when (and how many polls were made), the actor stops, and the
// poll waker resumes its checkout when it is due. A webhook, a recovery or
// an operator's look meanwhile finds it exactly as if it were resident.
void passivate(order_self self, std::uint32_t delay_ms) {
  auto& st = self->state;
  waiting_for(self, "store");
  passivate_order cmd{st.row.id, delay_ms,
                      static_cast<std::int32_t>(st.schedule.polls())};
  self->request(store_of(st), until_answered, std::move(cmd))
    .then(
      [=](const step_reply& parked) {
        auto& st = self->state;
        if (!parked.applied_now) {
          resync(self);  // it moved meanwhile: continue from the truth
          return;
        }
        st.row.pending_polls = static_cast<std::int32_t>(st.schedule.polls());
        st.row.next_poll_at = domain::to_rfc3339_utc(
          std::chrono::system_clock::now()
          + std::chrono::milliseconds{delay_ms});
        obs::metrics::get().order_passivated();
        report_and_stop(self);
      },
      // Kept in memory instead: the poll happens either way.
      [=](caf::error&) { poll_later(self, delay_ms); });
}

void schedule_poll(order_self self) {
  auto& st = self->state;
  auto delay_ms = st.schedule.next_poll_ms();
  if (st.deps.passivate_after.count() > 0
      && delay_ms
           >= static_cast<std::uint64_t>(st.deps.passivate_after.count())) {
    passivate(self, delay_ms);
    return;
  }
  poll_later(self, delay_ms);
}

// PENDING: ask the PSP how it went. One question at a time; a GET can be
// repeated freely, so failures just ask again later.
void poll_psp(order_self self) {
  auto& st = self->state;
  if (st.poll_in_flight || st.row.status != domain::order_status::pending)
    return;
  st.poll_in_flight = true;
  waiting_for(self, "psp");
  auto handle = [=](const domain::charge_outcome& out) {
    self->state.poll_in_flight = false;
    on_charge_outcome(self, out);
  };
  auto lost = [=](caf::error&) {
    self->state.poll_in_flight = false;
    schedule_poll(self);
  };
  if (!st.row.psp_session_id.empty())
    self
      ->request(st.deps.executor, until_answered,
                query_session{st.row.psp_session_id, st.correlation_id})
      .then(handle, lost);
  else
    self
      ->request(st.deps.executor, until_answered,
                query_charge{st.row.psp_reference, st.correlation_id})
      .then(handle, lost);
}

// What a move carries besides the PSP's answer: the card assessment to
// store, the amount authorized, and how long the order may now wait in the
// database for its capture (0: it does not wait).
struct move_extras {
  std::string card_assessment_json;
  std::int64_t authorized_minor = 0;
  std::int64_t hold_ms = 0;
};

void persist(order_self self, domain::order_event event,
             const domain::charge_outcome& outcome = {},
             move_extras extras = {}) {
  auto& st = self->state;
  auto to = domain::next_status(st.row.status, event);
  if (!to) {
    // Never applied: the table says this move does not exist.
    log::error(st.correlation_id,
               "order {}: illegal transition {} on {} rejected",
               st.row.id.value, domain::to_string(event),
               domain::to_string(st.row.status));
    return;
  }
  transition_order cmd{st.row.id,
                       st.row.status,
                       *to,
                       st.row.version,
                       event == domain::order_event::start_execution,
                       outcome.psp_reference,
                       outcome.failure_code,
                       outcome.failure_message,
                       std::string{domain::to_string(event)},
                       st.correlation_id,
                       outcome.session_id,
                       outcome.redirect_url,
                       {},
                       std::move(extras.card_assessment_json),
                       extras.authorized_minor,
                       extras.hold_ms};
  // A void decided earlier keeps the reason it was decided for.
  if (st.row.status == domain::order_status::voiding
      && !st.row.failure_code.empty()) {
    cmd.failure_code = st.row.failure_code;
    cmd.failure_message = st.row.failure_message;
  }
  // SUCCESS and its booking are one write: the wallet credit and the ledger
  // transaction commit with the move, never after it.
  if (*to == domain::order_status::success)
    cmd.payin_postings = domain::payin_postings(st.row.seller, st.row.currency,
                                                st.row.amount_minor);
  waiting_for(self, "store");
  self->request(store_of(st), until_answered, std::move(cmd))
    .then(
      [=](const transition_reply& reply) {
        auto& st = self->state;
        if (!reply.applied) {
          log::warn(st.correlation_id,
                    "order {}: row moved to {} v{} meanwhile, resyncing",
                    st.row.id.value, domain::to_string(reply.current.status),
                    reply.current.version);
        } else {
          log::debug(st.correlation_id, "order {} {} -> {}", st.row.id.value,
                     domain::to_string(st.row.status),
                     domain::to_string(reply.current.status));
          obs::metrics::get().order_transition(st.row.status,
                                               reply.current.status);
        }
        adopt(self, reply.current);
        st.checkout_done = st.checkout_done || reply.checkout_done;
        st.schedule.on_success();
        if (reply.applied
            && reply.current.status == domain::order_status::pending)
          self->send(st.checkout,
                     order_pending{st.row.id, st.row.psp_session_id,
                                   st.row.redirect_url});
        step(self);
      },
      [=](caf::error& err) { retry_later(self, caf::to_string(err)); });
}

void void_authorization(order_self self, const std::string& reason);
void capture(order_self self);

// The card assessment a capture or void decided here stores: the one made
// at the authorization, else (an intent the PSP captured or canceled by
// itself) what the answer's own checks say.
std::string assessment_of(const order_self& self,
                          const domain::charge_outcome& out) {
  const auto& st = self->state;
  if (!st.decided_assessment.empty()) return st.decided_assessment;
  return domain::card_assessment_json(
    out.checks, domain::decide_card(st.deps.card_rules, out.checks));
}

// The PSP holds the money: the card rules decide what becomes of it.
// Nothing is persisted on the way to a capture or a void decided here: both
// calls carry idempotency keys, and a restart asks the PSP again and comes
// to the same decision.
void on_authorized(order_self self, const domain::charge_outcome& out) {
  auto& st = self->state;
  if (!out.psp_reference.empty()) st.row.psp_reference = out.psp_reference;
  auto decision = domain::decide_card(st.deps.card_rules, out.checks);
  st.decided_assessment = domain::card_assessment_json(out.checks, decision);
  move_extras extras{st.decided_assessment,
                     out.amount_capturable_minor > 0
                       ? out.amount_capturable_minor
                       : st.row.amount_minor,
                     st.deps.authorization_hold.count()};
  switch (decision.action) {
    case domain::card_action::void_authorization:
      void_authorization(self, "fraudulent");
      return;
    case domain::card_action::review:
      persist(self, domain::order_event::card_review, out, std::move(extras));
      return;
    case domain::card_action::capture:
      if (st.capture_on_fulfillment) {
        persist(self, domain::order_event::psp_authorized, out,
                std::move(extras));
        return;
      }
      capture(self);
      return;
  }
}

// Park the order for an operator: the PSP answered a capture or void in a
// way no transition covers.
void park_unexpected(order_self self, const domain::charge_outcome& out,
                     const char* reason) {
  auto& st = self->state;
  log::error(st.correlation_id, "order {} {}: PSP answered {} ({})",
             st.row.id.value, domain::to_string(st.row.status),
             domain::to_string(out.kind), out.failure_code);
  st.park_reason = reason;
  st.park_error = out.failure_code;
  park(self);
}

void on_charge_outcome(order_self self, const domain::charge_outcome& out) {
  auto& st = self->state;
  // From now on the order may have been charged: it is never failed without
  // an answer from the PSP, only dead-lettered.
  st.row.maybe_charged = st.row.maybe_charged || out.may_have_charged;
  bool pending = st.row.status == domain::order_status::pending;
  const bool settling = st.row.status == domain::order_status::authorized
                        || st.row.status == domain::order_status::capturing
                        || st.row.status == domain::order_status::voiding;
  switch (out.kind) {
    case domain::charge_kind::succeeded:
      if (st.row.status == domain::order_status::voiding) {
        park_unexpected(self, out, "captured_while_voiding");
        return;
      }
      // From a decided authorization, what was stored then stands (an
      // approved review would read as "review" if decided again).
      persist(self, domain::order_event::psp_succeeded, out,
              {settling ? std::string{} : assessment_of(self, out), 0, 0});
      return;
    case domain::charge_kind::authorized:
      if (settling) {
        // A capture or void answered "still authorized": ask again later.
        after_undecided_attempt(self, out);
        return;
      }
      on_authorized(self, out);
      return;
    case domain::charge_kind::voided: {
      domain::charge_outcome voided = out;
      // Voided by our own card rules before anything was persisted.
      if ((pending || st.row.status == domain::order_status::executing)
          && voided.failure_code == "canceled")
        voided.failure_code = "risk_voided";
      persist(self, domain::order_event::psp_voided, voided,
              {settling ? std::string{} : assessment_of(self, out), 0, 0});
      return;
    }
    case domain::charge_kind::declined:
    case domain::charge_kind::rejected:
      if (settling) {
        park_unexpected(self, out, "capture_or_void_refused");
        return;
      }
      persist(self, domain::order_event::psp_declined, out);
      return;
    case domain::charge_kind::processing:
      if (settling) {
        after_undecided_attempt(self, out);
        return;
      }
      if (pending)
        schedule_poll(self);
      else
        persist(self, domain::order_event::psp_pending, out);
      return;
    case domain::charge_kind::outcome_unknown:
    case domain::charge_kind::transient:
      // A poll that failed asked nothing new of the PSP: ask again later.
      if (pending)
        schedule_poll(self);
      else
        after_undecided_attempt(self, out);
      return;
  }
}

void charge(order_self self) {
  auto& st = self->state;
  // Only an EXECUTING order calls the PSP (step decides so from the table),
  // for the amount the gateway checked to be positive.
  PAY_ASSERT(st.row.status == domain::order_status::executing);
  PAY_ASSERT(st.row.amount_minor > 0 && !st.row.currency.empty());
  waiting_for(self, "psp");
  auto handle = [=](const domain::charge_outcome& out) {
    on_charge_outcome(self, out);
  };
  auto lost = [=](caf::error& err) {
    // The executor answers every PSP failure itself; an error here means the
    // actor system lost the call, which may still have gone out.
    self->state.row.maybe_charged = true;
    retry_later(self, "executor: " + caf::to_string(err));
  };
  order_line line{st.row.id, st.row.seller, st.row.amount_minor,
                  st.row.currency};
  // No card token: the buyer pays on the PSP's hosted page.
  if (st.psp_token.empty()) {
    self
      ->request(st.deps.executor, until_answered,
                register_session{line, st.row.checkout, st.return_url,
                                 st.correlation_id})
      .then(handle, lost);
    return;
  }
  self
    ->request(
      st.deps.executor, until_answered,
      execute_charge{line, st.row.checkout, st.psp_token, st.correlation_id,
                     st.return_url, key_first_used_unix_s(st),
                     st.capture_on_fulfillment
                       || domain::card_rules_may_hold(st.deps.card_rules)})
    .then(handle, lost);
}

template <class Cmd>
void ask_executor(order_self self, Cmd cmd) {
  auto& st = self->state;
  waiting_for(self, "psp");
  self->request(st.deps.executor, until_answered, std::move(cmd))
    .then(
      [=](const domain::charge_outcome& out) { on_charge_outcome(self, out); },
      [=](caf::error& err) {
        self->state.row.maybe_charged = true;
        retry_later(self, "executor: " + caf::to_string(err));
      });
}

// Captures the order's amount (all of the authorization, or what a
// fulfilment asked for) from its authorized intent.
void capture(order_self self) {
  auto& st = self->state;
  PAY_ASSERT(!st.row.psp_reference.empty() && st.row.amount_minor > 0);
  ask_executor(self, capture_charge{st.row.id, st.row.psp_reference,
                                    st.row.amount_minor, st.correlation_id});
}

void void_authorization(order_self self, const std::string& reason) {
  auto& st = self->state;
  PAY_ASSERT(!st.row.psp_reference.empty());
  ask_executor(self, void_charge{st.row.id, st.row.psp_reference, reason,
                                 st.correlation_id});
}

// The PSP is told why: a merchant's cancel is the customer's request, a
// rejected review our suspicion; an expiring hold needs no reason.
std::string cancellation_reason(const std::string& failure_code) {
  if (failure_code == "canceled") return "requested_by_customer";
  if (failure_code == "risk_rejected") return "fraudulent";
  return {};
}

// The authorization is about to lapse uncaptured: the void is decided
// (persisted VOIDING) before the PSP hears of it.
void expire_authorization(order_self self) {
  auto& st = self->state;
  waiting_for(self, "store");
  self
    ->request(store_of(st), until_answered,
              request_void{st.row.id, "authorization_expired",
                           "Not captured in time: the authorization was "
                           "released.",
                           st.correlation_id})
    .then(
      [=](const settle_reply& reply) {
        if (reply.outcome == settle_outcome::applied) {
          obs::metrics::get().order_transition(self->state.row.status,
                                               reply.order.status);
          adopt(self, reply.order);
          step(self);
          return;
        }
        resync(self);  // it moved meanwhile (a fulfilment): from the truth
      },
      [=](caf::error& err) { retry_later(self, caf::to_string(err)); });
}

template <class Actor, class Cmd>
void book(order_self self, const Actor& target, Cmd cmd, bool order_view::*flag,
          const char* waiting_on) {
  waiting_for(self, waiting_on);
  self->request(target, until_answered, std::move(cmd))
    .then(
      [=](const step_reply&) {
        self->state.row.*flag = true;
        self->state.schedule.on_success();
        step(self);
      },
      [=](caf::error& err) { retry_later(self, caf::to_string(err)); });
}

void step(order_self self) {
  auto& st = self->state;
  if (!st.park_reason.empty() && !st.row.parked) {
    park(self);
    return;
  }
  if (st.row.parked) {
    // Held in the dead-letter queue: only an operator's requeue revives it.
    report_and_stop(self);
    return;
  }
  switch (domain::next_action(domain::order_progress{
    st.row.status, st.row.wallet_updated, st.row.ledger_updated,
    st.capture_on_fulfillment, st.row.authorization_expired})) {
    case domain::order_action::start_execution:
      persist(self, domain::order_event::start_execution);
      return;
    case domain::order_action::charge:
      if (st.row.status != domain::order_status::pending) {
        charge(self);
      } else if (st.poll_at_first_step) {
        st.poll_at_first_step = false;
        poll_psp(self);
      } else {
        schedule_poll(self);
      }
      return;
    case domain::order_action::held:
      // In review, or authorized until its fulfilment: an operator's
      // decision, the merchant's fulfil or cancel, or the poll waker when
      // the authorization is due to be voided revives it.
      report_and_stop(self);
      return;
    case domain::order_action::capture:
      capture(self);
      return;
    case domain::order_action::void_authorization:
      void_authorization(self, cancellation_reason(st.row.failure_code));
      return;
    case domain::order_action::expire_authorization:
      expire_authorization(self);
      return;
    case domain::order_action::credit_wallet:
      PAY_ASSERT(st.row.status == domain::order_status::success);
      book(self, st.deps.wallet,
           credit_wallet_cmd{st.row.id, st.row.seller, st.row.currency,
                             st.row.amount_minor},
           &order_view::wallet_updated, "wallet");
      return;
    case domain::order_action::write_ledger:
      PAY_ASSERT(st.row.wallet_updated);
      book(self, st.deps.ledger,
           record_payin{order_line{st.row.id, st.row.seller,
                                   st.row.amount_minor, st.row.currency}},
           &order_view::ledger_updated, "ledger");
      return;
    case domain::order_action::finished:
      report_and_stop(self);
      return;
  }
}

}  // namespace

payment_order_actor::behavior_type payment_order(order_self self,
                                                 collaborators deps,
                                                 checkout_actor checkout,
                                                 payment_order_args args) {
  auto& st = self->state;
  st.deps = std::move(deps);
  st.checkout = std::move(checkout);
  adopt(self, std::move(args.row));
  st.psp_token = std::move(args.psp_token);
  st.return_url = std::move(args.return_url);
  st.correlation_id = std::move(args.correlation_id);
  st.capture_on_fulfillment = args.capture_on_fulfillment;
  // Started PENDING (recovery, a requeue, a webhook's resume): whatever
  // happened meanwhile, ask the PSP first.
  st.poll_at_first_step = st.row.status == domain::order_status::pending;
  // A row already EXECUTING when this actor starts (recovery, a restart
  // after a crash) may have had a PSP call in flight that nobody saw
  // answered; one the accept has just stored EXECUTING has not.
  if (st.row.status == domain::order_status::executing && !args.never_sent)
    st.row.maybe_charged = true;
  if (st.row.first_attempt_age_ms >= 0)
    st.first_attempt_at = std::chrono::steady_clock::now()
                          - std::chrono::milliseconds{
                            st.row.first_attempt_age_ms};
  st.schedule = domain::retry_schedule{
    st.row.id.value, st.deps.retry,
    domain::poll_policy{
      static_cast<std::uint32_t>(st.deps.processing_poll.count()),
      static_cast<std::uint32_t>(st.deps.pending_poll_max.count())}};
  st.schedule.resume_polls(static_cast<std::uint32_t>(st.row.pending_polls));
  // Start from the persisted row, whatever it is (fresh or recovered).
  self->send(self, retry_step_atom::value);
  return {
    [=](retry_step_atom) { step(self); },
    [=](poll_now_atom) { poll_psp(self); },
    [=](const inspect_live_order&) {
      const auto& st = self->state;
      order_live_view view;
      view.in_memory = true;
      view.status = st.row.status;
      view.attempt = st.row.psp_attempts;
      view.waiting_on = st.waiting_on;
      if (st.next_retry_at)
        view.next_retry_at = domain::to_rfc3339_utc(*st.next_retry_at);
      return view;
    },
  };
}

}  // namespace pay
