#include "actors/payin/checkout.hpp"

// One actor per live checkout (payment event).
//
//   RUNNING --every order finished--> (all SUCCESS and not marked done by
//                                      the last move? mark is_payment_done)
//      |                                   |
//      | await_outcome: park the waiter    v
//      | (answered at wait_ms or at end)  FINISHING --marked--> answer all
//      |                                   waiters from the orders' rows, stop
//      +-- an order actor crashed: restart it from its persisted row
//      |   (domain::restart_budget: at most restarts_max times, then
//      |   dead-letter it: poison)
//      +-- an order was dead-lettered: it counts as stopped; the checkout
//          ends without is_payment_done and is revived by a requeue

#include <map>
#include <set>
#include <unordered_map>

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
  bool finishing = false;
  bool resume_requested = false;  // a requeue arrived while finishing
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
                       never_sent});
  st.order_by_actor[order.address()] = row.id.value;
  st.children.insert(order.address());
  st.running.insert(row.id.value);
}

void on_all_finished(checkout_self self);

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
    if (order_needs_actor(order) && !st.running.count(order.id.value))
      spawn_order(self, order, st.just_stored);
  st.just_stored = false;  // a restart or a resume starts from the database
  if (st.running.empty()) on_all_finished(self);
}

// Reloads the orders and gives each one with work left (a requeued order) a
// live actor; if there is none after all, the checkout ends again.
void reload_and_resume(checkout_self self) {
  auto& st = self->state;
  st.finishing = true;  // until the reload answers, do not end twice
  self
    ->request(st.deps.stores.for_key(st.view.id.value), st.deps.store_timeout,
              load_checkout{st.view.id})
    .then(
      [=](const checkout_lookup& lookup) {
        auto& st = self->state;
        st.finishing = false;
        if (st.resume_requested) {  // another requeue landed meanwhile
          st.resume_requested = false;
          reload_and_resume(self);
          return;
        }
        st.view = lookup.view;
        for (const auto& order : st.view.orders)
          if (order_needs_actor(order) && !st.running.count(order.id.value))
            spawn_order(self, order);
        if (st.running.empty()) on_all_finished(self);
      },
      [=](caf::error& err) {
        log::error(self->state.correlation_id, "checkout {}: cannot reload: {}",
                   self->state.view.id.value, caf::to_string(err));
        self->state.finishing = false;
        on_all_finished(self);
      });
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
    if (!domain::is_terminal(o.status)
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

// Answers every waiter with the view as it stands and stops. The view is
// the persisted truth: each order reported its row as stored when it ended.
void finish(checkout_self self) {
  auto& st = self->state;
  if (st.finishing)  // a requeue's reload is in flight: it decides the end
    return;
  if (st.resume_requested) {  // a requeue landed while marking done
    st.resume_requested = false;
    reload_and_resume(self);
    return;
  }
  answer_waiters(self, st.view);
  self->quit();
}

// Loads the durable view (the truth), answers every waiter, stops: for when
// the database said something the view does not know.
void finish_from_store(checkout_self self) {
  auto& st = self->state;
  st.finishing = true;
  auto store = st.deps.stores.for_key(st.view.id.value);
  self->request(store, st.deps.store_timeout, load_checkout{st.view.id})
    .then(
      [=](const checkout_lookup& lookup) {
        if (self->state.resume_requested) {
          self->state.resume_requested = false;
          reload_and_resume(self);
          return;
        }
        answer_waiters(self, lookup.view);
        self->quit();
      },
      [=](caf::error& err) {
        log::error(self->state.correlation_id,
                   "checkout {}: cannot load final view: {}",
                   self->state.view.id.value, caf::to_string(err));
        answer_waiters(self, self->state.view);
        self->quit();
      });
}

// Marks the checkout done, retrying with backoff while the database is
// away (a restart): only after mark_attempts_max failures is it left to
// recovery at the next start.
void mark_done(checkout_self self) {
  auto& st = self->state;
  auto store = st.deps.stores.for_key(st.view.id.value);
  self->request(store, st.deps.store_timeout, mark_checkout_done{st.view.id})
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

void on_all_finished(checkout_self self) {
  auto& st = self->state;
  bool all_success = true;
  for (const auto& o : st.view.orders)
    all_success = all_success && o.status == domain::order_status::success;
  // Marked done already when the last order's move to SUCCESS saw every
  // sibling booked; else the checkout marks itself (siblings that moved in
  // concurrent batches each saw the other unfinished).
  if (!all_success || st.view.is_payment_done) {
    finish(self);
    return;
  }
  mark_done(self);
}

// Order `id` has no actor any more: it finished, was dead-lettered, or could
// not be replaced after a crash (the watchdog finds it later).
void stop_waiting_for(checkout_self self, const std::string& id) {
  auto& st = self->state;
  st.running.erase(id);
  if (st.running.empty() && !st.finishing) on_all_finished(self);
}

void on_order_down(checkout_self self, const caf::down_msg& down) {
  auto& st = self->state;
  auto it = st.order_by_actor.find(down.source);
  if (it == st.order_by_actor.end()) return;
  auto id = it->second;
  st.order_by_actor.erase(it);
  if (!st.running.count(id)) return;  // finished normally and already reported
  auto verdict = st.restarts.on_crash(id);
  obs::metrics::get().actor_crash("payment_order", domain::to_string(verdict));
  if (verdict == domain::crash_verdict::escalate) {
    escalate_order cmd{domain::payment_order_id{id}, "crash_loop",
                       caf::to_string(down.reason),
                       static_cast<std::int32_t>(st.deps.restarts_max + 1),
                       st.correlation_id};
    self->request(st.deps.dlq, st.deps.store_timeout, std::move(cmd))
      .then(
        [=](const step_reply&) {
          for (auto& o : self->state.view.orders)
            if (o.id.value == id) o.parked = true;
          stop_waiting_for(self, id);
        },
        [=](caf::error& err) {
          log::error(self->state.correlation_id,
                     "checkout {}: cannot dead-letter order {}: {}",
                     self->state.view.id.value, id, caf::to_string(err));
          stop_waiting_for(self, id);
        });
    return;
  }
  log::warn(self->state.correlation_id,
            "checkout {}: order {} crashed ({}), restarting from its row",
            st.view.id.value, id, caf::to_string(down.reason));
  auto store = st.deps.stores.for_key(id);
  self
    ->request(store, st.deps.store_timeout,
              load_order{domain::payment_order_id{id}})
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
        stop_waiting_for(self, id);
      });
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
  start_orders(self);
  return {
    [=](const await_outcome& wait) -> caf::result<checkout_view> {
      auto& st = self->state;
      auto rp = self->make_response_promise<checkout_view>();
      auto id = st.next_waiter_id++;
      st.waiters.emplace(id, checkout_state::waiter{rp, wait.until_pending});
      self->delayed_send(self, std::chrono::milliseconds{wait.wait_ms},
                         waiter_expired{id});
      if (wait.until_pending) answer_pending_waiters(self);
      return rp;
    },
    [=](const waiter_expired& expired) {
      auto& st = self->state;
      auto it = st.waiters.find(expired.waiter_id);
      if (it == st.waiters.end()) return;
      auto rp = it->second.promise;
      st.waiters.erase(it);
      auto store = st.deps.stores.for_key(st.view.id.value);
      self->request(store, st.deps.store_timeout, load_checkout{st.view.id})
        .then(
          [=](const checkout_lookup& lookup) mutable {
            rp.deliver(lookup.view);
          },
          [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
    },
    [=](const order_finished& done) {
      if (done.checkout_done) self->state.view.is_payment_done = true;
      for (auto& o : self->state.view.orders)
        if (o.id == done.row.id) o = done.row;
      stop_waiting_for(self, done.row.id.value);
    },
    [=](mark_done_atom) { mark_done(self); },
    [=](assess_atom) { start_orders(self); },
    [=](const order_pending& pending) {
      for (auto& o : self->state.view.orders)
        if (o.id == pending.id) {
          o.status = domain::order_status::pending;
          o.psp_session_id = pending.psp_session_id;
          o.redirect_url = pending.redirect_url;
        }
      answer_pending_waiters(self);
    },
    [=](const psp_news& news) {
      if (auto order = live_order(self, news.id))
        self->send(order, poll_now_atom::value);
    },
    [=](const inspect_live_order& query) -> caf::result<order_live_view> {
      if (auto order = live_order(self, query.id))
        return self->delegate(order, query);
      return order_live_view{};  // finished: no actor any more
    },
    [=](resume_orders_atom) {
      if (self->state.finishing)
        self->state.resume_requested = true;
      else
        reload_and_resume(self);
      return true;
    },
  };
}

}  // namespace

checkout_actor spawn_checkout(caf::actor_system& sys, collaborators deps,
                              checkout_args args) {
  return sys.spawn(checkout_behavior, std::move(deps), std::move(args));
}

}  // namespace pay
