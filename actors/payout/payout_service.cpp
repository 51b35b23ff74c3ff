#include "actors/payout/payout_service.hpp"

#include <unordered_map>
#include <vector>

#include "actors/common/forward.hpp"
#include "actors/common/live_actors.hpp"
#include "actors/common/supervision.hpp"
#include "actors/payout/seller_onboarding.hpp"
#include "domain/common/restart_budget.hpp"
#include "observability/log.hpp"

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

// A crashed pay-out is restarted from its row; escalated, it stays
// unfinished and is resumed by recovery at the next start.
void on_payout_down(service_self self, const caf::down_msg& down) {
  auto& st = self->state;
  auto id = st.live.forget(down.source);
  if (!id) return;
  if (judge_down(st.restarts, "payout", *id, down.reason, "restart")
      == down_verdict::restart)
    self->delayed_send(self, st.options.restart_delay, payout_restart{*id});
}

void restart_payout(service_self self, const std::string& payout_id) {
  auto& st = self->state;
  self->request(st.deps.store, st.deps.store_timeout, get_payout{payout_id})
    .then(
      [=](const payout_lookup& found) {
        if (found.found && !domain::is_final(found.payout.status))
          start_payout_actor(self, found.payout, "restart");
      },
      [=](caf::error& err) {
        spdlog::error("cannot restart payout {}: {}", payout_id,
                      caf::to_string(err));
      });
}

// A read or a fulfilment: the store answers, the client gets it as is.
template <class Reply, class Message>
caf::typed_response_promise<Reply> forward(service_self self, Message msg) {
  return forward_bounded<Reply>(self, self->state.deps.store,
                                self->state.deps.store_timeout, std::move(msg));
}

payout_service_actor::behavior_type payout_service_behavior(
  service_self self, payout_deps deps, payout_service_options options) {
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
    [=](const get_payout& q) { return forward<payout_lookup>(self, q); },
    [=](const list_payouts& q) { return forward<payout_list>(self, q); },
    [=](const fulfill_order& cmd) { return forward<fulfill_reply>(self, cmd); },
    [=](const load_wallet_balances& q) {
      return forward<wallet_balances>(self, q);
    },
    [=](connect_seller& cmd) {
      if (cmd.stripe_account.empty() && cmd.country.empty())
        cmd.country = self->state.options.default_country;
      return onboard_seller(self, self->state.deps, cmd);
    },
    [=](const get_connected_account& q) {
      return forward<connected_account_lookup>(self, q);
    },
  };
}

}  // namespace

payout_service_actor spawn_payout_service(caf::actor_system& sys,
                                          payout_deps deps,
                                          payout_service_options options) {
  return sys.spawn(payout_service_behavior, std::move(deps), options);
}

}  // namespace pay
