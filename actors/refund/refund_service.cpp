#include "actors/refund/refund_service.hpp"

#include <functional>
#include <unordered_map>
#include <unordered_set>

#include "actors/common/forward.hpp"
#include "actors/common/live_actors.hpp"
#include "actors/common/supervision.hpp"
#include "domain/common/assert.hpp"
#include "domain/common/restart_budget.hpp"
#include "domain/refund/refund_dead_letter.hpp"
#include "observability/log.hpp"
#include "observability/metrics.hpp"

namespace pay {

namespace {

struct waiter {
  caf::typed_response_promise<create_refund_reply> promise;
  create_refund_reply reply;
};

struct refund_service_state {
  refund_service_options options;
  live_actors<caf::actor_addr> live;
  domain::restart_budget restarts{0};  // set from options.restarts_max
  std::unordered_multimap<std::string, waiter> waiters;
  // Requeued while their parked actor was still on its way out: started
  // again once it is down.
  std::unordered_set<std::string> start_when_down;
  static inline const char* name = "refund_service";
};

using service_self =
  refund_service_actor::stateful_pointer<refund_service_state>;

const refund_store_actor& store_for(service_self self, const std::string& key) {
  const auto& stores = self->state.options.stores;
  PAY_ASSERT(!stores.empty());
  return stores[std::hash<std::string>{}(key) % stores.size()];
}

void ensure_actor(service_self self, const std::string& refund_id,
                  const std::string& correlation_id) {
  auto& st = self->state;
  if (st.live.count(refund_id) != 0) return;
  // Linked: stopping the service stops its refunds. Monitored: a crashed
  // refund is restarted from its row.
  auto actor = self->spawn<caf::monitored + caf::linked>(
    refund_behavior, st.options.deps, refund_id,
    caf::actor_cast<refund_service_actor>(self), correlation_id);
  st.live.add(refund_id, actor.address());
}

void deliver_waiters(service_self self, const std::string& refund_id,
                     const refund_view* final_view) {
  auto& st = self->state;
  auto range = st.waiters.equal_range(refund_id);
  for (auto it = range.first; it != range.second; ++it) {
    auto reply = std::move(it->second.reply);
    if (final_view != nullptr) reply.refund = *final_view;
    it->second.promise.deliver(std::move(reply));
  }
  st.waiters.erase(range.first, range.second);
}

caf::result<create_refund_reply> create(service_self self,
                                        const create_refund& cmd) {
  auto rp = self->make_response_promise<create_refund_reply>();
  auto& st = self->state;
  self
    ->request(store_for(self, cmd.payment_order_id),
              st.options.deps.store_timeout, cmd)
    .then(
      [=](create_refund_reply& reply) mutable {
        bool open = (reply.outcome == create_refund_outcome::created
                     || reply.outcome == create_refund_outcome::replayed)
                    && reply.refund.status == domain::refund_status::created;
        if (reply.outcome == create_refund_outcome::created)
          log::info(cmd.correlation_id, "refund {} created for order {}",
                    reply.refund.refund_id.value, cmd.payment_order_id);
        if (open)
          ensure_actor(self, reply.refund.refund_id.value, cmd.correlation_id);
        if (!open || cmd.wait_ms == 0) {
          rp.deliver(std::move(reply));
          return;
        }
        auto id = reply.refund.refund_id.value;
        self->state.waiters.emplace(id, waiter{rp, std::move(reply)});
        self->delayed_send(self, std::chrono::milliseconds{cmd.wait_ms},
                           refund_wait_over{id});
      },
      [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
}

// A read answered by the store of `key`.
template <class Reply, class Query>
caf::result<Reply> read(service_self self, const std::string& key,
                        const Query& query) {
  return forward_bounded<Reply>(self, store_for(self, key),
                                self->state.options.deps.store_timeout, query);
}

void recover(service_self self) {
  auto& st = self->state;
  self
    ->request(st.options.deps.store, st.options.deps.store_timeout,
              load_open_refunds{st.options.recovery_refunds_max})
    .then(
      [=](const open_refunds& found) {
        for (const auto& work : found.refunds)
          ensure_actor(self, work.view.refund_id.value, "recovery");
        spdlog::info("refund recovery: {} unfinished refunds resumed",
                     found.refunds.size());
      },
      [=](caf::error& err) {
        spdlog::error("refund recovery failed, trying again: {}",
                      caf::to_string(err));
        self->delayed_send(self, self->state.options.restart_delay,
                           refund_recover_atom::value);
      });
}

// A refund that crashed more than restarts_max times is parked (reason
// crash_loop): restarting it would only crash again. A call may have been
// in flight when it crashed, so it counts as maybe refunded.
void park_crash_loop(service_self self, const std::string& refund_id,
                     const caf::error& reason) {
  auto& st = self->state;
  park_refund cmd{domain::refund_id{refund_id}, "crash_loop",
                  caf::to_string(reason), true, "crash_loop"};
  self->request(st.options.deps.store, st.options.deps.store_timeout, cmd)
    .then(
      [=](const refund_step_reply& reply) {
        if (reply.applied) {
          log::error("crash_loop", "dead-lettering refund {}: crash_loop ({})",
                     refund_id, caf::to_string(reason));
          obs::metrics::get().money_movement("refund", "dead_lettered");
        }
      },
      [=](caf::error& err) {
        // Not parked: recovery resumes it at the next start, as before.
        spdlog::error("refund {} crash-looped and could not be parked: {}",
                      refund_id, caf::to_string(err));
      });
}

// A crashed refund is restarted from its row (a final or parked one just
// reports itself and stops); past its restart budget it is parked.
void on_refund_down(service_self self, const caf::down_msg& down) {
  auto& st = self->state;
  auto id = st.live.forget(down.source);
  if (!id) return;
  auto verdict = judge_down(st.restarts, "refund", *id, down.reason, "restart");
  if (verdict == down_verdict::restart)
    self->delayed_send(self, st.options.restart_delay, refund_restart{*id});
  else if (verdict == down_verdict::escalate)
    park_crash_loop(self, *id, down.reason);
  if (st.start_when_down.erase(*id) != 0) ensure_actor(self, *id, "operator");
}

// --- the dead-letter queue ----------------------------------------------------

caf::result<refund_dead_letter_reply> requeue(
  service_self self, const requeue_refund_dead_letter& cmd) {
  auto rp = self->make_response_promise<refund_dead_letter_reply>();
  auto& st = self->state;
  const auto& id = cmd.refund_id.value;
  self->request(store_for(self, id), st.options.deps.store_timeout, cmd)
    .then(
      [=](refund_dead_letter_reply& reply) mutable {
        if (reply.outcome == refund_dead_letter_outcome::applied) {
          log::info(cmd.correlation_id, "operator requeues refund {}", id);
          // The parked actor may still be on its way out: then the new one
          // starts once it is down.
          if (self->state.live.count(id) != 0)
            self->state.start_when_down.insert(id);
          else
            ensure_actor(self, id, "operator");
        }
        rp.deliver(std::move(reply));
      },
      [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
}

// Closes the entry (failing the refund when `fail`) and answers.
void close_entry(service_self self,
                 caf::typed_response_promise<refund_dead_letter_reply> rp,
                 const resolve_refund_dead_letter& cmd,
                 const refund_work& refund, bool fail) {
  auto& st = self->state;
  close_refund_dead_letter close{cmd.refund_id, cmd.reason, fail,
                                 refund.version, cmd.correlation_id};
  self
    ->request(store_for(self, cmd.refund_id.value),
              st.options.deps.store_timeout, std::move(close))
    .then(
      [=](refund_dead_letter_reply& reply) mutable {
        if (reply.outcome == refund_dead_letter_outcome::applied) {
          log::info(cmd.correlation_id, "operator resolves refund {}{}: {}",
                    cmd.refund_id.value, fail ? " as FAILED" : "", cmd.reason);
          if (fail) obs::metrics::get().money_movement("refund", "FAILED");
        }
        rp.deliver(std::move(reply));
      },
      [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
}

refund_dead_letter_reply refused(refund_dead_letter_outcome outcome,
                                 const refund_dead_letter_view& entry,
                                 std::string detail) {
  return {outcome, entry, std::move(detail)};
}

// The PSP is asked whether it holds our refund; only when it holds none
// (or failed it) is the refund failed.
void resolve_after_asking(
  service_self self, caf::typed_response_promise<refund_dead_letter_reply> rp,
  const resolve_refund_dead_letter& cmd,
  const refund_dead_letter_lookup& found) {
  auto& deps = self->state.options.deps;
  auto call = make_find_refunds_call(found.refund.payment_intent,
                                     cmd.correlation_id);
  self->request(deps.psp, deps.psp_timeout, std::move(call))
    .then(
      [=](const psp_reply& reply) mutable {
        auto answer = domain::classify_refund_lookup(
          reply.transport, reply.http_status, reply.body, cmd.refund_id.value);
        switch (domain::refund_resolve_verdict_for(answer.kind)) {
          case domain::refund_resolve_verdict::fail:
            close_entry(self, rp, cmd, found.refund, true);
            return;
          case domain::refund_resolve_verdict::refuse_psp_made_it:
            rp.deliver(
              refused(refund_dead_letter_outcome::psp_made_it, found.entry,
                      "the PSP has refund " + answer.psp_reference + " ("
                        + std::string{domain::to_string(answer.kind)} + ")"));
            return;
          case domain::refund_resolve_verdict::refuse_psp_unknown:
            rp.deliver(
              refused(refund_dead_letter_outcome::psp_unknown, found.entry,
                      answer.failure_code + ": " + answer.failure_message));
            return;
        }
      },
      [=](caf::error& err) mutable {
        rp.deliver(refused(refund_dead_letter_outcome::psp_unknown, found.entry,
                           caf::to_string(err)));
      });
}

caf::result<refund_dead_letter_reply> resolve(
  service_self self, const resolve_refund_dead_letter& cmd) {
  auto rp = self->make_response_promise<refund_dead_letter_reply>();
  auto& st = self->state;
  self
    ->request(store_for(self, cmd.refund_id.value),
              st.options.deps.store_timeout,
              load_refund_dead_letter{cmd.refund_id})
    .then(
      [=](const refund_dead_letter_lookup& found) mutable {
        if (!found.found) {
          rp.deliver(refund_dead_letter_reply{
            refund_dead_letter_outcome::not_found, {}, {}});
          return;
        }
        if (found.entry.status != "open") {
          rp.deliver(refund_dead_letter_reply{
            refund_dead_letter_outcome::not_open, found.entry, {}});
          return;
        }
        switch (domain::refund_resolve_step_for(found.refund.view.status,
                                                found.refund.maybe_refunded)) {
          case domain::refund_resolve_step::close_only:
            close_entry(self, rp, cmd, found.refund, false);
            return;
          case domain::refund_resolve_step::fail_now:
            close_entry(self, rp, cmd, found.refund, true);
            return;
          case domain::refund_resolve_step::ask_psp:
            resolve_after_asking(self, rp, cmd, found);
            return;
          case domain::refund_resolve_step::refuse_psp_holds_it:
            rp.deliver(
              refused(refund_dead_letter_outcome::psp_made_it, found.entry,
                      "the PSP holds refund " + found.refund.view.psp_reference
                        + " (PENDING)"));
            return;
        }
      },
      [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
}

}  // namespace

refund_service_actor spawn_refund_service(caf::actor_system& sys,
                                          refund_service_options options) {
  return sys.spawn(
    [](service_self self,
       refund_service_options options) -> refund_service_actor::behavior_type {
      self->state.options = std::move(options);
      self->state.restarts = domain::restart_budget{
        self->state.options.restarts_max};
      self->set_down_handler(
        [=](caf::down_msg& down) { on_refund_down(self, down); });
      self->set_exit_handler([=](caf::exit_msg& msg) {
        // A refund's crash arrives through the link too: the down handler
        // restarts it. Anything else (shutdown) stops us and, linked, them.
        if (!self->state.live.knows(msg.source)) self->quit(msg.reason);
      });
      return {
        [=](const create_refund& cmd) { return create(self, cmd); },
        [=](const get_refund& query) {
          return read<refund_lookup>(self, query.refund_id.value, query);
        },
        [=](const list_refunds& query) {
          return read<refund_list>(self, query.payment_order_id, query);
        },
        [=](const refund_finished& done) {
          deliver_waiters(self, done.refund.refund_id.value, &done.refund);
        },
        [=](const refund_wait_over& over) {
          deliver_waiters(self, over.refund_id.value, nullptr);
        },
        [=](const refund_restart& again) {
          ensure_actor(self, again.refund_id.value, "restart");
        },
        [=](refund_recover_atom) { recover(self); },
        [=](const list_refunds_admin& query) {
          return read<refund_page>(self, query.after_id, query);
        },
        [=](const list_refund_dead_letters& query) {
          return read<refund_dead_letter_page>(self, query.after_id, query);
        },
        [=](const requeue_refund_dead_letter& cmd) {
          return requeue(self, cmd);
        },
        [=](const resolve_refund_dead_letter& cmd) {
          return resolve(self, cmd);
        },
        [=](const refund_webhook& event) {
          // Nothing is stored: the actor reads the refund from the PSP, so
          // a repeated delivery only asks once more.
          auto& st = self->state;
          auto it = st.live.find(event.refund_id.value);
          if (it == st.live.end()) return webhook_outcome::ignored;
          self->send(caf::actor_cast<refund_actor>(it->second),
                     refund_poke_atom::value);
          return webhook_outcome::applied;
        },
      };
    },
    std::move(options));
}

}  // namespace pay
