#include "actors/payin/checkout.hpp"

// One actor per live checkout (payment event), one named behaviour per
// state (CAF `become`):
//
//   spawn --> RUNNING ---------resume_orders (a requeue)-------> RELOADING
//               |   ^                                               |
//               |   +------rows read again; requeued orders --------+
//               |          get actors (orders still running go on)
//               | every order finished (or dead-lettered)
//               v
//           FINISHING: all SUCCESS and not marked by the last move? mark
//               is_payment_done (retried with backoff), else read the final
//               view; then answer every waiter and stop. A requeue landing
//               meanwhile -> RELOADING once the step in flight answers.
//
// RUNNING: the risk check runs once, then one payment_order actor per order
// with work left. An order actor that crashed restarts from its persisted
// row (domain::restart_budget: at most restarts_max times, then it is
// dead-lettered as poison: order_gone). A dead-lettered order counts as
// stopped; the checkout then ends without is_payment_done and is revived by
// a requeue.
// In every state: waiters park (await_outcome) and are answered at the end
// or when their wait runs out; order_pending updates the view.

#include <map>
#include <set>
#include <unordered_map>

#include "actors/common/supervision.hpp"
#include "actors/common/until_answered.hpp"
#include "actors/payin/order_work.hpp"
#include "actors/payin/payment_order.hpp"
#include "domain/common/restart_budget.hpp"
#include "observability/log.hpp"
#include "observability/metrics.hpp"

namespace pay {

namespace {

// Marking done outlives a database restart: with the default backoff this
// keeps trying for about a minute.
constexpr std::uint32_t mark_attempts_max = 20;

struct checkout_state {
  collaborators deps;
  checkout_view view;
  std::string psp_token;
  std::string correlation_id;
  bool just_stored = false;       // until its orders' first actors are spawned
  std::set<std::string> running;  // order ids whose actor has work left
  std::map<caf::actor_addr, std::string> order_by_actor;
  // Every order actor ever spawned (never erased): tells a child's exit
  // apart from a stop request, whichever of exit and down arrives first.
  std::set<caf::actor_addr> children;
  domain::restart_budget restarts{0};  // set from deps.restarts_max
  struct waiter {
    caf::typed_response_promise<checkout_view> promise;
    bool until_pending = false;  // hosted: answer once redirects are known
  };
  std::map<std::uint64_t, waiter> waiters;
  std::uint64_t next_waiter_id = 1;
  bool resume_requested = false;  // a requeue arrived while reloading/finishing
  std::uint32_t mark_failures = 0;
  obs::live_actor_count counted{obs::actor_kind::checkout};
  static inline const char* name = "checkout";
};

using checkout_self = checkout_actor::stateful_pointer<checkout_state>;

void spawn_order(checkout_self self, const order_view& row,
                 bool never_sent = false) {
  auto& st = self->state;
  // Linked: when the checkout is stopped (shutdown), its orders stop too.
  // Monitored: when an order crashes, the down handler restarts it.
  auto order = self->spawn<caf::monitored + caf::linked>(
    payment_order, st.deps, caf::actor_cast<checkout_actor>(self),
    payment_order_args{row, st.psp_token, st.view.return_url, st.correlation_id,
                       never_sent, captures_on_fulfillment(st.view)});
  st.order_by_actor[order.address()] = row.id.value;
  st.children.insert(order.address());
  st.running.insert(row.id.value);
}

void enter_finishing(checkout_self self);

// The actor of order `id` while it runs; an invalid handle once it ended.
payment_order_actor live_order(checkout_self self,
                               const domain::payment_order_id& id) {
  for (const auto& [addr, order_id] : self->state.order_by_actor)
    if (order_id == id.value) return caf::actor_cast<payment_order_actor>(addr);
  return {};
}

// Our risk check runs once per checkout, before any order may call the PSP;
// its decision (persisted) may block the orders or hold them for review.
void start_orders(checkout_self self) {
  auto& st = self->state;
  if (st.view.risk_verdict.empty()) {
    self
      ->request(st.deps.risk, st.deps.store_timeout,
                assess_risk{st.view, st.correlation_id})
      .then(
        [=](const checkout_lookup& assessed) {
          if (!assessed.found || assessed.view.risk_verdict.empty()) {
            log::error(self->state.correlation_id,
                       "checkout {}: risk decision not recorded",
                       self->state.view.id.value);
            self->quit();  // the watchdog resumes it later
            return;
          }
          self->state.view = assessed.view;
          start_orders(self);
        },
        [=](caf::error& err) {
          auto& st = self->state;
          auto delay = domain::backoff_ceiling_ms(st.deps.retry,
                                                  ++st.mark_failures);
          log::warn(st.correlation_id,
                    "checkout {}: risk check failed ({}), retry in {} ms",
                    st.view.id.value, caf::to_string(err), delay);
          self->delayed_send(self, std::chrono::milliseconds{delay},
                             assess_atom::value);
        });
    return;
  }
  st.mark_failures = 0;
  for (const auto& order : st.view.orders)
    if (order_needs_actor(order, captures_on_fulfillment(st.view))
        && !st.running.count(order.id.value))
      spawn_order(self, order, st.just_stored);
  st.just_stored = false;  // a restart or a resume starts from the database
  if (st.running.empty()) enter_finishing(self);
}

void answer_waiters(checkout_self self, const checkout_view& view) {
  for (auto& [id, w] : self->state.waiters) w.promise.deliver(view);
  self->state.waiters.clear();
}

// Hosted page: once every order is final or waits at the PSP with its
// redirect known, the buyer can be sent to pay.
void answer_pending_waiters(checkout_self self) {
  auto& st = self->state;
  for (const auto& o : st.view.orders)
    if (!domain::is_final(o.status)
        && !(o.status == domain::order_status::pending && !o.parked))
      return;
  for (auto it = st.waiters.begin(); it != st.waiters.end();) {
    if (it->second.until_pending) {
      it->second.promise.deliver(st.view);
      it = st.waiters.erase(it);
    } else {
      ++it;
    }
  }
}

void reload(checkout_self self);

// The end: answers every waiter with the view as it stands and stops. The
// view is the persisted truth: each order reported its row as stored when it
// ended (or the final view was just read). A requeue that landed meanwhile
// revives the checkout instead.
void finish(checkout_self self) {
  auto& st = self->state;
  if (st.resume_requested) {
    st.resume_requested = false;
    reload(self);
    return;
  }
  answer_waiters(self, st.view);
  self->quit();
}

// Loads the durable view (the truth), answers every waiter, stops: for when
// the database said something the view does not know.
void finish_from_store(checkout_self self) {
  auto& st = self->state;
  auto store = st.deps.stores.for_key(st.view.id.value);
  self->request(store, until_answered, load_checkout{st.view.id})
    .then(
      [=](const checkout_lookup& lookup) {
        self->state.view = lookup.view;
        finish(self);
      },
      [=](caf::error& err) {
        log::error(self->state.correlation_id,
                   "checkout {}: cannot load final view: {}",
                   self->state.view.id.value, caf::to_string(err));
        finish(self);
      });
}

// Marks the checkout done, retrying with backoff while the database is
// away (a restart): only after mark_attempts_max failures is it left to
// recovery at the next start.
void mark_done(checkout_self self) {
  auto& st = self->state;
  auto store = st.deps.stores.for_key(st.view.id.value);
  self->request(store, until_answered, mark_checkout_done{st.view.id})
    .then(
      [=](const step_reply& marked) {
        if (!marked.applied_now) {
          // Already marked (a duplicate actor) or not every order booked
          // after all: the database knows better than this view.
          finish_from_store(self);
          return;
        }
        self->state.view.is_payment_done = true;
        finish(self);
      },
      [=](caf::error& err) {
        auto& st = self->state;
        if (++st.mark_failures >= mark_attempts_max) {
          log::error(self->state.correlation_id,
                     "checkout {}: cannot mark done ({}), left to "
                     "recovery",
                     st.view.id.value, caf::to_string(err));
          finish_from_store(self);
          return;
        }
        auto delay = domain::backoff_ceiling_ms(st.deps.retry,
                                                st.mark_failures);
        log::warn(self->state.correlation_id,
                  "checkout {}: cannot mark done ({}), retry in {} ms",
                  st.view.id.value, caf::to_string(err), delay);
        self->delayed_send(self, std::chrono::milliseconds{delay},
                           mark_done_atom::value);
      });
}

checkout_actor::behavior_type running(checkout_self self);
checkout_actor::behavior_type reloading(checkout_self self);
checkout_actor::behavior_type finishing(checkout_self self);

// RUNNING -> FINISHING: every order finished. Marked done already when the
// last order's move to SUCCESS saw every sibling booked; else the checkout
// marks itself (siblings that moved in concurrent batches each saw the other
// unfinished).
void enter_finishing(checkout_self self) {
  self->become(finishing(self));
  auto& st = self->state;
  bool all_success = true;
  for (const auto& o : st.view.orders)
    all_success = all_success && o.status == domain::order_status::success;
  if (!all_success || st.view.is_payment_done) {
    finish(self);
    return;
  }
  mark_done(self);
}

// -> RELOADING: reads the rows again, then RUNNING with an actor for every
// order that has work left (a requeued one); orders still running go on.
void reload(checkout_self self) {
  self->become(reloading(self));
  auto& st = self->state;
  self
    ->request(st.deps.stores.for_key(st.view.id.value), until_answered,
              load_checkout{st.view.id})
    .then(
      [=](const checkout_lookup& lookup) {
        auto& st = self->state;
        if (st.resume_requested) {  // another requeue landed meanwhile
          st.resume_requested = false;
          reload(self);
          return;
        }
        self->become(running(self));
        st.view = lookup.view;
        start_orders(self);
      },
      [=](caf::error& err) {
        log::error(self->state.correlation_id, "checkout {}: cannot reload: {}",
                   self->state.view.id.value, caf::to_string(err));
        self->become(running(self));
        if (self->state.running.empty()) enter_finishing(self);
      });
}

void on_order_down(checkout_self self, const caf::down_msg& down) {
  auto& st = self->state;
  auto it = st.order_by_actor.find(down.source);
  if (it == st.order_by_actor.end()) return;
  auto id = it->second;
  st.order_by_actor.erase(it);
  if (!st.running.count(id)) return;  // finished normally and already reported
  // An order that ended without reporting (it never should) counts as a
  // crash: restarted from its row like one.
  auto reason = down.reason ? down.reason
                            : caf::make_error(caf::sec::runtime_error,
                                              "ended without reporting");
  auto verdict = judge_down(st.restarts, "payment_order", id, reason,
                            st.correlation_id);
  if (verdict == down_verdict::escalate) {
    escalate_order cmd{domain::payment_order_id{id}, "crash_loop",
                       caf::to_string(reason),
                       static_cast<std::int32_t>(st.deps.restarts_max + 1),
                       st.correlation_id};
    self->request(st.deps.dlq, st.deps.store_timeout, std::move(cmd))
      .then(
        [=](const step_reply&) {
          for (auto& o : self->state.view.orders)
            if (o.id.value == id) o.parked = true;
          self->send(self, order_gone{domain::payment_order_id{id}});
        },
        [=](caf::error& err) {
          log::error(self->state.correlation_id,
                     "checkout {}: cannot dead-letter order {}: {}",
                     self->state.view.id.value, id, caf::to_string(err));
          self->send(self, order_gone{domain::payment_order_id{id}});
        });
    return;
  }
  auto store = st.deps.stores.for_key(id);
  self->request(store, until_answered, load_order{domain::payment_order_id{id}})
    .then(
      [=](const order_lookup& lookup) {
        if (lookup.found) spawn_order(self, lookup.view);
      },
      [=](caf::error& err) {
        // Leave it to the watchdog and recovery; this checkout must not
        // wait for an order that has no actor.
        log::error(self->state.correlation_id,
                   "checkout {}: cannot reload order {}: {}",
                   self->state.view.id.value, id, caf::to_string(err));
        self->send(self, order_gone{domain::payment_order_id{id}});
      });
}

// --- what every state does alike ------------------------------------------

caf::result<checkout_view> park_waiter(checkout_self self,
                                       const await_outcome& wait) {
  auto& st = self->state;
  auto rp = self->make_response_promise<checkout_view>();
  auto id = st.next_waiter_id++;
  st.waiters.emplace(id, checkout_state::waiter{rp, wait.until_pending});
  self->delayed_send(self, std::chrono::milliseconds{wait.wait_ms},
                     waiter_expired{id});
  if (wait.until_pending) answer_pending_waiters(self);
  return rp;
}

// A waiter's time is up: it gets the stored view as it is now.
void expire_waiter(checkout_self self, const waiter_expired& expired) {
  auto& st = self->state;
  auto it = st.waiters.find(expired.waiter_id);
  if (it == st.waiters.end()) return;
  auto rp = it->second.promise;
  st.waiters.erase(it);
  auto store = st.deps.stores.for_key(st.view.id.value);
  self->request(store, until_answered, load_checkout{st.view.id})
    .then([=](
            const checkout_lookup& lookup) mutable { rp.deliver(lookup.view); },
          [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
}

// An order's actor ended with its row as persisted: the view takes it.
void record_finished(checkout_self self, const order_finished& done) {
  auto& st = self->state;
  if (done.checkout_done) st.view.is_payment_done = true;
  for (auto& o : st.view.orders)
    if (o.id == done.row.id) o = done.row;
  st.running.erase(done.row.id.value);
}

void record_pending(checkout_self self, const order_pending& pending) {
  for (auto& o : self->state.view.orders)
    if (o.id == pending.id) {
      o.status = domain::order_status::pending;
      o.psp_session_id = pending.psp_session_id;
      o.redirect_url = pending.redirect_url;
    }
  answer_pending_waiters(self);
}

void pass_news(checkout_self self, const psp_news& news) {
  if (auto order = live_order(self, news.id))
    self->send(order, poll_now_atom::value);
}

caf::result<order_live_view> inspect_live(checkout_self self,
                                          const inspect_live_order& query) {
  if (auto order = live_order(self, query.id))
    return self->delegate(order, query);
  return order_live_view{};  // finished: no actor any more
}

// --- the states -------------------------------------------------------------

checkout_actor::behavior_type running(checkout_self self) {
  return {
    [=](const await_outcome& wait) { return park_waiter(self, wait); },
    [=](const waiter_expired& expired) { expire_waiter(self, expired); },
    [=](const order_finished& done) {
      record_finished(self, done);
      if (self->state.running.empty()) enter_finishing(self);
    },
    [=](const order_gone& gone) {
      self->state.running.erase(gone.id.value);
      if (self->state.running.empty()) enter_finishing(self);
    },
    [=](const order_pending& pending) { record_pending(self, pending); },
    [=](const psp_news& news) { pass_news(self, news); },
    [=](const inspect_live_order& q) { return inspect_live(self, q); },
    [=](resume_orders_atom) {
      reload(self);
      return true;
    },
    [=](assess_atom) { start_orders(self); },
    [=](mark_done_atom) {},  // only FINISHING marks
  };
}

checkout_actor::behavior_type reloading(checkout_self self) {
  return {
    [=](const await_outcome& wait) { return park_waiter(self, wait); },
    [=](const waiter_expired& expired) { expire_waiter(self, expired); },
    // Orders still running may end meanwhile; the reload decides what next.
    [=](const order_finished& done) { record_finished(self, done); },
    [=](const order_gone& gone) { self->state.running.erase(gone.id.value); },
    [=](const order_pending& pending) { record_pending(self, pending); },
    [=](const psp_news& news) { pass_news(self, news); },
    [=](const inspect_live_order& q) { return inspect_live(self, q); },
    [=](resume_orders_atom) {
      self->state.resume_requested = true;
      return true;
    },
    [=](assess_atom) {},     // the reload's end runs the risk check if due
    [=](mark_done_atom) {},  // only FINISHING marks
  };
}

checkout_actor::behavior_type finishing(checkout_self self) {
  return {
    [=](const await_outcome& wait) { return park_waiter(self, wait); },
    [=](const waiter_expired& expired) { expire_waiter(self, expired); },
    [=](const order_finished& done) { record_finished(self, done); },
    [=](const order_gone&) {},
    [=](const order_pending& pending) { record_pending(self, pending); },
    [=](const psp_news&) {},  // no order actor left to tell
    [=](const inspect_live_order&) { return order_live_view{}; },
    [=](resume_orders_atom) {
      self->state.resume_requested = true;
      return true;
    },
    [=](assess_atom) {},
    [=](mark_done_atom) { mark_done(self); },
  };
}

checkout_actor::behavior_type checkout_behavior(checkout_self self,
                                                collaborators deps,
                                                checkout_args args) {
  auto& st = self->state;
  st.deps = std::move(deps);
  st.view = std::move(args.view);
  st.psp_token = std::move(args.psp_token);
  st.correlation_id = std::move(args.correlation_id);
  st.just_stored = args.just_stored;
  st.restarts = domain::restart_budget{st.deps.restarts_max};
  self->set_down_handler(
    [=](caf::down_msg& down) { on_order_down(self, down); });
  self->set_exit_handler([=](caf::exit_msg& msg) {
    // An order's crash arrives here through the link: the down handler deals
    // with it. Anything else (the service shutting down) stops us.
    if (self->state.children.count(msg.source) == 0) self->quit(msg.reason);
  });
  // Started by a message, not here: starting may end the checkout at once
  // (no order with work left), and the behaviour returned here would replace
  // the FINISHING one that set.
  self->send(self, assess_atom::value);
  return running(self);
}

}  // namespace

checkout_actor spawn_checkout(caf::actor_system& sys, collaborators deps,
                              checkout_args args) {
  return sys.spawn(checkout_behavior, std::move(deps), std::move(args));
}

}  // namespace pay
