#include "actors/payout/payout_service.hpp"

#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "actors/common/forward.hpp"
#include "actors/common/live_actors.hpp"
#include "actors/common/supervision.hpp"
#include "actors/payout/payout_calls.hpp"
#include "actors/payout/seller_onboarding.hpp"
#include "domain/common/assert.hpp"
#include "domain/common/restart_budget.hpp"
#include "domain/payout/payout_dead_letter.hpp"
#include "observability/log.hpp"
#include "observability/metrics.hpp"

namespace pay {

namespace {

using run_promise = caf::typed_response_promise<payout_run_reply>;

struct payout_service_state {
  payout_deps deps;
  payout_service_options options;
  live_actors<payout_actor> live;
  domain::restart_budget restarts{0};  // set from options.restarts_max
  bool running = false;
  // Requests that came while a run was going: the next run answers them.
  std::vector<run_promise> waiting;
  std::uint64_t runs = 0;
  std::size_t next_reader = 0;  // round robin over deps.readers
  // Requeued (or resolved into REVERSING) while their parked actor was
  // still on its way out: started again once it is down.
  std::unordered_set<std::string> start_when_down;
  static inline const char* name = "payout_service";
};

using service_self =
  payout_service_actor::stateful_pointer<payout_service_state>;

void start_payout_actor(service_self self, const payout_view& row,
                        const std::string& correlation_id) {
  auto& st = self->state;
  if (st.live.count(row.payout_id.value)) return;
  auto actor = spawn_payout(self->system(), st.deps,
                            payout_args{row, correlation_id});
  self->monitor(actor);
  st.live.add(row.payout_id.value, std::move(actor));
}

void start_run(service_self self, std::vector<run_promise> promises) {
  auto& st = self->state;
  st.running = true;
  auto cid = "payout_run_" + std::to_string(++st.runs);
  release_payouts cmd{st.options.hold_s, st.options.minimum_minor, cid,
                      promises.empty() ? "payout_run" : ""};
  auto finish = [=]() {
    auto& st = self->state;
    st.running = false;
    if (!st.waiting.empty()) {
      auto next = std::move(st.waiting);
      st.waiting.clear();
      start_run(self, std::move(next));
    }
  };
  self->request(st.deps.store, st.options.run_timeout, std::move(cmd))
    .then(
      [=](payout_run_reply& reply) mutable {
        for (const auto& p : reply.created) start_payout_actor(self, p, cid);
        log::info(cid,
                  "payout run: {} credits released, {} payouts created, {} "
                  "awaiting a connected account",
                  reply.credits_released, reply.created.size(),
                  reply.awaiting_connected_account);
        for (auto& rp : promises) rp.deliver(reply);
        finish();
      },
      [=](caf::error& err) mutable {
        log::warn(cid, "payout run failed: {}", caf::to_string(err));
        for (auto& rp : promises) rp.deliver(err);
        finish();
      });
}

void recover(service_self self) {
  auto& st = self->state;
  self->request(st.deps.store, st.deps.store_timeout, load_open_payouts{})
    .then(
      [=](const payout_list& open) {
        for (const auto& p : open.payouts)
          start_payout_actor(self, p, "recovery");
        if (!open.payouts.empty())
          spdlog::info("payout recovery: {} unfinished payouts resumed",
                       open.payouts.size());
      },
      [=](caf::error& err) {
        spdlog::warn("payout recovery failed, again in 1 s: {}",
                     caf::to_string(err));
        self->delayed_send(self, std::chrono::seconds{1},
                           payout_recover_atom::value);
      });
}

// A pay-out that crashed more than restarts_max times is parked (reason
// crash_loop): restarting it would only crash again. A call may have been
// in flight when it crashed, so it counts as maybe paid out.
void park_crash_loop(service_self self, const std::string& payout_id,
                     const caf::error& reason) {
  auto& st = self->state;
  park_payout cmd{domain::payout_id{payout_id}, "crash_loop",
                  caf::to_string(reason), true, "crash_loop"};
  self->request(st.deps.store, st.deps.store_timeout, cmd)
    .then(
      [=](const payout_step& s) {
        if (s.applied) {
          log::error("crash_loop", "dead-lettering payout {}: crash_loop ({})",
                     payout_id, caf::to_string(reason));
          obs::metrics::get().money_movement("payout", "dead_lettered");
        }
      },
      [=](caf::error& err) {
        // Not parked: recovery resumes it at the next start, as before.
        spdlog::error("payout {} crash-looped and could not be parked: {}",
                      payout_id, caf::to_string(err));
      });
}

// Starts the pay-out's actor from its row as it is now, unless it is final
// or parked: after a crash, a requeue, or a resolve that reverses it.
void restart_payout(service_self self, const std::string& payout_id,
                    const std::string& correlation_id = "restart") {
  auto& st = self->state;
  self->request(st.deps.store, st.deps.store_timeout, get_payout{payout_id})
    .then(
      [=](const payout_lookup& found) {
        if (found.found && !domain::is_final(found.payout.status)
            && !found.payout.parked)
          start_payout_actor(self, found.payout, correlation_id);
      },
      [=](caf::error& err) {
        spdlog::error("cannot restart payout {}: {}", payout_id,
                      caf::to_string(err));
      });
}

// A crashed pay-out is restarted from its row; past its restart budget it
// is parked.
void on_payout_down(service_self self, const caf::down_msg& down) {
  auto& st = self->state;
  auto id = st.live.forget(down.source);
  if (!id) return;
  auto verdict = judge_down(st.restarts, "payout", *id, down.reason, "restart");
  if (verdict == down_verdict::restart)
    self->delayed_send(self, st.options.restart_delay, payout_restart{*id});
  else if (verdict == down_verdict::escalate)
    park_crash_loop(self, *id, down.reason);
  if (st.start_when_down.erase(*id) != 0) restart_payout(self, *id, "operator");
}

// Gives the pay-out an actor again, now or once its parked one is down.
void resume(service_self self, const std::string& payout_id) {
  if (self->state.live.count(payout_id) != 0)
    self->state.start_when_down.insert(payout_id);
  else
    restart_payout(self, payout_id, "operator");
}

// --- the dead-letter queue ----------------------------------------------------

using dead_letter_promise =
  caf::typed_response_promise<payout_dead_letter_reply>;

caf::result<payout_dead_letter_reply> requeue(
  service_self self, const requeue_payout_dead_letter& cmd) {
  auto rp = self->make_response_promise<payout_dead_letter_reply>();
  auto& st = self->state;
  self->request(st.deps.store, st.deps.store_timeout, cmd)
    .then(
      [=](payout_dead_letter_reply& reply) mutable {
        if (reply.outcome == payout_dead_letter_outcome::applied) {
          log::info(cmd.correlation_id, "operator requeues payout {}",
                    cmd.payout_id.value);
          resume(self, cmd.payout_id.value);
        }
        rp.deliver(std::move(reply));
      },
      [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
}

// Closes the entry (applying operator_failed when `fail`) and answers; a
// pay-out left REVERSING gets its actor, which takes the transfer back and
// fails it.
void close_entry(service_self self, dead_letter_promise rp,
                 const resolve_payout_dead_letter& cmd, const payout_view& row,
                 bool fail) {
  auto& st = self->state;
  close_payout_dead_letter close{cmd.payout_id, cmd.reason,
                                 fail,          row.status,
                                 row.version,   cmd.correlation_id};
  self->request(st.deps.store, st.deps.store_timeout, std::move(close))
    .then(
      [=](payout_dead_letter_reply& reply) mutable {
        if (reply.outcome == payout_dead_letter_outcome::applied) {
          auto now = reply.entry.payout_status;
          log::info(cmd.correlation_id, "operator resolves payout {} ({}): {}",
                    cmd.payout_id.value, domain::to_db_string(now), cmd.reason);
          if (fail && now == domain::payout_status::failed)
            obs::metrics::get().money_movement("payout", "FAILED");
          if (!domain::is_final(now)) resume(self, cmd.payout_id.value);
        }
        rp.deliver(std::move(reply));
      },
      [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
}

payout_dead_letter_reply refused(payout_dead_letter_outcome outcome,
                                 const payout_dead_letter_view& entry,
                                 std::string detail) {
  return {outcome, entry, std::move(detail)};
}

// Carries out `step` (one that needs no answer from the provider).
void resolve_by(service_self self, dead_letter_promise rp,
                const resolve_payout_dead_letter& cmd,
                const payout_dead_letter_lookup& found,
                domain::payout_resolve_step step) {
  using S = domain::payout_resolve_step;
  switch (step) {
    case S::close_only:
    case S::keep_reversing:
      close_entry(self, rp, cmd, found.payout, false);
      return;
    case S::fail_now:
    case S::reverse_now:
      close_entry(self, rp, cmd, found.payout, true);
      return;
    case S::refuse_in_transit:
      rp.deliver(
        refused(payout_dead_letter_outcome::in_transit, found.entry,
                "the provider holds pay-out " + found.payout.psp_reference));
      return;
    case S::ask_transfer:
    case S::ask_payout:
      break;
  }
  // The provider is asked first: does it hold our transfer, or a pay-out on
  // the connected account?
  auto call = step == S::ask_transfer ? domain::payout_call::find_transfer
                                      : domain::payout_call::find_payout;
  auto& st = self->state;
  self
    ->request(st.deps.psp, st.deps.psp_timeout,
              make_payout_call(call, found.payout, cmd.correlation_id))
    .then(
      [=](const psp_reply& reply) mutable {
        auto answer = domain::classify_payout(reply.transport,
                                              reply.http_status, reply.body,
                                              cmd.payout_id.value);
        switch (domain::payout_resolve_verdict_for(step, answer.kind)) {
          case domain::payout_resolve_verdict::proceed:
            resolve_by(self, rp, cmd, found, domain::after_lookup(step));
            return;
          case domain::payout_resolve_verdict::refuse_psp_acted:
            rp.deliver(
              refused(payout_dead_letter_outcome::psp_acted, found.entry,
                      "the provider has " + answer.psp_reference + " ("
                        + std::string{domain::to_string(answer.kind)} + ")"));
            return;
          case domain::payout_resolve_verdict::refuse_psp_unknown:
            rp.deliver(
              refused(payout_dead_letter_outcome::psp_unknown, found.entry,
                      answer.failure_code + ": " + answer.failure_message));
            return;
        }
      },
      [=](caf::error& err) mutable {
        rp.deliver(refused(payout_dead_letter_outcome::psp_unknown, found.entry,
                           caf::to_string(err)));
      });
}

caf::result<payout_dead_letter_reply> resolve(
  service_self self, const resolve_payout_dead_letter& cmd) {
  auto rp = self->make_response_promise<payout_dead_letter_reply>();
  auto& st = self->state;
  self
    ->request(st.deps.store, st.deps.store_timeout,
              load_payout_dead_letter{cmd.payout_id})
    .then(
      [=](const payout_dead_letter_lookup& found) mutable {
        if (!found.found) {
          rp.deliver(payout_dead_letter_reply{
            payout_dead_letter_outcome::not_found, {}, {}});
          return;
        }
        if (found.entry.status != "open") {
          rp.deliver(payout_dead_letter_reply{
            payout_dead_letter_outcome::not_open, found.entry, {}});
          return;
        }
        resolve_by(self, rp, cmd, found,
                   domain::payout_resolve_step_for(
                     found.payout.status, !found.payout.stripe_account.empty(),
                     found.payout.maybe_paid_out));
      },
      [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
}

// A fulfilment: the pay-out connection answers, the client gets it as is.
template <class Reply, class Message>
caf::typed_response_promise<Reply> forward(service_self self, Message msg) {
  return forward_bounded<Reply>(self, self->state.deps.store,
                                self->state.deps.store_timeout, std::move(msg));
}

// A read goes to a connection of the readers' own: any number of readers
// wait for each other, never for a run or a fulfilment, nor those for them.
template <class Reply, class Message>
caf::typed_response_promise<Reply> forward_read(service_self self,
                                                Message msg) {
  auto& st = self->state;
  const auto& reader =
    st.deps.readers[st.next_reader++ % st.deps.readers.size()];
  return forward_bounded<Reply>(self, reader, st.deps.store_timeout,
                                std::move(msg));
}

payout_service_actor::behavior_type payout_service_behavior(
  service_self self, payout_deps deps, payout_service_options options) {
  PAY_ASSERT(!deps.readers.empty());
  auto& st = self->state;
  st.deps = std::move(deps);
  st.options = options;
  st.restarts = domain::restart_budget{options.restarts_max};
  self->set_down_handler(
    [=](caf::down_msg& down) { on_payout_down(self, down); });
  // Stopping the service stops what it spawned: the payout actors (not
  // linked, so one ending badly does not take the service down) and the
  // detached store, which would otherwise keep the actor system alive.
  self->set_exit_handler([=](caf::exit_msg& msg) {
    for (auto& [id, actor] : self->state.live)
      caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(self->state.deps.store,
                        caf::exit_reason::user_shutdown);
    for (const auto& reader : self->state.deps.readers)
      caf::anon_send_exit(reader, caf::exit_reason::user_shutdown);
    self->quit(msg.reason);
  });
  if (options.interval_s > 0)
    self->delayed_send(self, std::chrono::seconds{options.interval_s},
                       payout_tick_atom::value);
  return {
    [=](const run_payouts&) -> run_promise {
      auto rp = self->make_response_promise<payout_run_reply>();
      if (self->state.running)
        self->state.waiting.push_back(rp);
      else
        start_run(self, {rp});
      return rp;
    },
    [=](payout_tick_atom) {
      if (!self->state.running) start_run(self, {});
      self->delayed_send(self,
                         std::chrono::seconds{self->state.options.interval_s},
                         payout_tick_atom::value);
    },
    [=](payout_recover_atom) { recover(self); },
    [=](const payout_restart& again) {
      restart_payout(self, again.payout_id.value);
    },
    [=](const payout_webhook& event)
      -> caf::typed_response_promise<webhook_outcome> {
      auto rp = self->make_response_promise<webhook_outcome>();
      self
        ->request(self->state.deps.store, self->state.deps.store_timeout, event)
        .then(
          [=](webhook_outcome outcome) mutable {
            if (outcome == webhook_outcome::applied) {
              auto it = self->state.live.find(event.payout_id.value);
              if (it != self->state.live.end())
                self->send(it->second, payout_poke_atom::value);
            }
            rp.deliver(outcome);
          },
          [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
      return rp;
    },
    [=](const get_payout& q) { return forward_read<payout_lookup>(self, q); },
    [=](const list_payouts& q) { return forward_read<payout_list>(self, q); },
    [=](const fulfill_order& cmd) { return forward<fulfill_reply>(self, cmd); },
    [=](const load_wallet_balances& q) {
      return forward_read<wallet_balances>(self, q);
    },
    [=](connect_seller& cmd) {
      if (cmd.stripe_account.empty() && cmd.country.empty())
        cmd.country = self->state.options.default_country;
      return onboard_seller(self, self->state.deps, cmd);
    },
    [=](const get_connected_account& q) {
      return forward_read<connected_account_lookup>(self, q);
    },
    [=](const list_payout_dead_letters& q) {
      return forward_read<payout_dead_letter_page>(self, q);
    },
    [=](const requeue_payout_dead_letter& cmd) { return requeue(self, cmd); },
    [=](const resolve_payout_dead_letter& cmd) { return resolve(self, cmd); },
  };
}

}  // namespace

payout_service_actor spawn_payout_service(caf::actor_system& sys,
                                          payout_deps deps,
                                          payout_service_options options) {
  return sys.spawn(payout_service_behavior, std::move(deps), options);
}

}  // namespace pay
