#include "actors/payment_service.hpp"

// The entry point. It stores a new checkout (one transaction for the event
// and all its orders), spawns its checkout actor, and supervises the live
// ones. A request for a checkout that is still live joins that actor, so a
// duplicate gets the same final answer as the original.
//
// At start it resumes every checkout the database says is unfinished.

#include <unordered_map>

#include <spdlog/spdlog.h>

#include "actors/actor_errors.hpp"
#include "actors/checkout.hpp"

namespace pay {

namespace {

struct payment_service_state {
  collaborators deps;
  payment_service_options options;
  std::unordered_map<std::string, checkout_actor> live;
  std::unordered_map<caf::actor_addr, std::string> id_by_actor;
  static inline const char* name = "payment_service";
};

using service_self =
  payment_service_actor::stateful_pointer<payment_service_state>;

const store_actor& store_for(service_self self, const domain::checkout_id& id) {
  return self->state.deps.stores.for_key(id.value);
}

// True while any order has work left, or the checkout still has to be
// marked done.
bool needs_actor(const checkout_view& view) {
  bool all_success = true;
  for (const auto& o : view.orders) {
    if (domain::next_action(o.status, o.wallet_updated, o.ledger_updated)
        != domain::order_action::finished)
      return true;
    all_success = all_success && o.status == domain::order_status::success;
  }
  return all_success && !view.is_payment_done;
}

void start_checkout(service_self self, checkout_view view,
                    std::string psp_token, std::string correlation_id) {
  auto& st = self->state;
  auto id = view.id.value;
  if (st.live.count(id))
    return;
  auto actor = spawn_checkout(
    self->system(), st.deps,
    checkout_args{std::move(view), std::move(psp_token),
                  std::move(correlation_id)});
  self->monitor(actor);
  st.id_by_actor[actor.address()] = id;
  st.live.emplace(id, std::move(actor));
}

// Answers with the live actor's final view when it is still running (or the
// stored view if it ends meanwhile), else with `view` as stored.
void answer(service_self self,
            caf::typed_response_promise<create_payment_reply> rp,
            create_payment_reply reply, std::uint32_t wait_ms) {
  auto& st = self->state;
  auto it = st.live.find(reply.view.id.value);
  if (wait_ms == 0 || it == st.live.end()) {
    rp.deliver(std::move(reply));
    return;
  }
  auto timeout = std::chrono::milliseconds{wait_ms} + st.deps.store_timeout;
  auto fallback = reply;
  self->request(it->second, timeout, await_outcome{wait_ms})
    .then(
      [=](const checkout_view& view) mutable {
        auto out = reply;
        out.view = view;
        rp.deliver(std::move(out));
      },
      [=](caf::error&) mutable {
        // The checkout ended between our lookup and its answer: the stored
        // view is final by then.
        auto id = fallback.view.id;
        self->request(store_for(self, id), self->state.deps.store_timeout,
                      load_checkout{id})
          .then(
            [=](const checkout_lookup& lookup) mutable {
              auto out = fallback;
              out.view = lookup.view;
              rp.deliver(std::move(out));
            },
            [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
      });
}

void create(service_self self, const create_payment& cmd,
            caf::typed_response_promise<create_payment_reply> rp) {
  auto& st = self->state;
  self->request(store_for(self, cmd.checkout.id), st.deps.store_timeout,
                insert_checkout{cmd.checkout})
    .then(
      [=](const insert_checkout_reply& stored) mutable {
        create_payment_reply reply{stored.outcome, stored.conflicting_order_id,
                                   stored.view};
        if (stored.outcome == insert_outcome::created)
          spdlog::info("checkout {} stored with {} orders cid={}",
                       cmd.checkout.id.value, cmd.checkout.orders.size(),
                       cmd.correlation_id);
        // A duplicate of an unfinished checkout with no live actor (our own
        // first attempt whose commit reply was lost, or work left by a crash)
        // gets its actor too; one that is live is joined instead.
        if (stored.outcome == insert_outcome::created
            || (stored.outcome == insert_outcome::duplicate_same_body
                && needs_actor(stored.view)))
          start_checkout(self, stored.view, cmd.checkout.psp_token,
                         cmd.correlation_id);
        if (stored.outcome == insert_outcome::created
            || stored.outcome == insert_outcome::duplicate_same_body)
          answer(self, rp, std::move(reply), cmd.wait_ms);
        else
          rp.deliver(std::move(reply));
      },
      [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
}

void recover(service_self self) {
  auto& st = self->state;
  // Unfinished checkouts are spread over all shards' keys, but any store
  // connection can list them.
  self->request(st.deps.stores.shards.front(), st.deps.store_timeout,
                load_unfinished_checkouts{st.options.recovery_batch_max})
    .then(
      [=](const unfinished_checkouts& found) {
        if (!found.ids.empty())
          spdlog::info("recovery: resuming {} unfinished checkouts",
                       found.ids.size());
        for (const auto& id : found.ids) {
          self->request(store_for(self, id), self->state.deps.store_timeout,
                        load_checkout{id})
            .then(
              [=](const checkout_lookup& lookup) {
                if (lookup.found)
                  start_checkout(self, lookup.view, lookup.psp_token,
                                 "recovery");
              },
              [=](caf::error& err) {
                spdlog::error("recovery: cannot load checkout {}: {}",
                              id.value, caf::to_string(err));
              });
        }
      },
      [=](caf::error& err) {
        spdlog::error("recovery: cannot list unfinished checkouts: {}",
                      caf::to_string(err));
      });
}

payment_service_actor::behavior_type
payment_service_behavior(service_self self, collaborators deps,
                         payment_service_options options) {
  self->state.deps = std::move(deps);
  self->state.options = options;
  self->set_down_handler([=](caf::down_msg& down) {
    auto& st = self->state;
    auto it = st.id_by_actor.find(down.source);
    if (it == st.id_by_actor.end())
      return;
    if (down.reason)
      spdlog::error("checkout {} ended abnormally: {}", it->second,
                    caf::to_string(down.reason));
    st.live.erase(it->second);
    st.id_by_actor.erase(it);
  });
  self->set_exit_handler([=](caf::exit_msg& msg) {
    // Shutdown: stop every live checkout (their orders follow through their
    // links), then ourselves. Work in flight resumes from the database at
    // the next start.
    for (const auto& [id, checkout] : self->state.live)
      self->send_exit(checkout, msg.reason);
    self->quit(msg.reason);
  });
  return {
    [=](const create_payment& cmd) -> caf::result<create_payment_reply> {
      auto rp = self->make_response_promise<create_payment_reply>();
      create(self, cmd, rp);
      return rp;
    },
    [=](const load_checkout& q) {
      return self->delegate(store_for(self, q.id), q);
    },
    [=](const load_order& q) {
      return self->delegate(self->state.deps.stores.for_key(q.id.value), q);
    },
    [=](const load_wallet& q) {
      return self->delegate(self->state.deps.wallet, q);
    },
    [=](const check_ready& q) {
      return self->delegate(self->state.deps.stores.shards.front(), q);
    },
    [=](recover_atom) { recover(self); },
  };
}

}  // namespace

payment_service_actor spawn_payment_service(caf::actor_system& sys,
                                            collaborators deps,
                                            payment_service_options options) {
  return sys.spawn(payment_service_behavior, std::move(deps), options);
}

}  // namespace pay
