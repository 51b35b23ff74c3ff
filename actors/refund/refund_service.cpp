#include "actors/refund/refund_service.hpp"

#include <functional>
#include <unordered_map>

#include "actors/common/forward.hpp"
#include "actors/common/live_actors.hpp"
#include "actors/common/supervision.hpp"
#include "domain/common/assert.hpp"
#include "domain/common/restart_budget.hpp"
#include "observability/log.hpp"

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

// A crashed refund is restarted from its row (a final one just reports
// itself and stops); escalated, it stays CREATED and is resumed by recovery
// at the next start.
void on_refund_down(service_self self, const caf::down_msg& down) {
  auto& st = self->state;
  auto id = st.live.forget(down.source);
  if (!id) return;
  if (judge_down(st.restarts, "refund", *id, down.reason, "restart")
      == down_verdict::restart)
    self->delayed_send(self, st.options.restart_delay, refund_restart{*id});
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
