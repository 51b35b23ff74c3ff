#include "actors/payin/payment_service.hpp"

// The entry point of pay-in: it stores a new checkout (one transaction for
// the event and all its orders), spawns its checkout actor and supervises
// the live ones; a request for a checkout that is still live joins that
// actor, so a duplicate gets the same final answer as the original. At start
// it resumes every checkout the database says is unfinished.
//
// This file is the behaviour, which message goes where; each concern reads
// in its own file (listed in payment_service_state.hpp).

#include "actors/payin/payment_service_state.hpp"
#include "domain/risk/risk_rules.hpp"

namespace pay {

namespace {

using namespace payment_service_parts;

payment_service_actor::behavior_type payment_service_behavior(
  service_self self, collaborators deps, payment_service_options options) {
  self->state.deps = std::move(deps);
  self->state.options = options;
  if (options.allow_without_risk_check)
    self->state.allow_rules_json = domain::risk_decision_json({});
  if (options.open_checkouts_per_account_max > 0)
    self->send(self, count_open_atom::value);
  self->state.restarts = domain::restart_budget{self->state.deps.restarts_max};
  self->set_down_handler(
    [=](caf::down_msg& down) { on_checkout_down(self, down); });
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
      if (auto refused = refusal_of(self, cmd)) return std::move(*refused);
      auto rp = self->make_response_promise<create_payment_reply>();
      if (!cmd.idempotency_key.empty()) {
        create_with_key(self, cmd, rp);
        return rp;
      }
      create(self, cmd,
             reply_sink{[rp](create_payment_reply r) mutable {
                          rp.deliver(std::move(r));
                        },
                        [rp](const caf::error& err) mutable {
                          rp.deliver(err);
                        }});
      return rp;
    },
    [=](const complete_idempotency_key& cmd) -> caf::result<step_reply> {
      auto rp = self->make_response_promise<step_reply>();
      complete_key(self, cmd, rp);
      return rp;
    },
    [=](const list_dead_letters& q) {
      return self->delegate(self->state.deps.dlq, q);
    },
    [=](const resolve_dead_letter& cmd) { return operate(self, cmd); },
    [=](const requeue_dead_letter& cmd) { return operate(self, cmd); },
    [=](const resume_checkout& cmd) -> caf::result<bool> {
      auto rp = self->make_response_promise<bool>();
      resume(self, cmd.id, "resume",
             [rp](const resume_outcome& resumed) mutable {
               rp.deliver(resumed.live);
             });
      return rp;
    },
    [=](const load_checkout& q) {
      return self->delegate(store_for(self, q.id), q);
    },
    [=](const load_order& q) {
      return self->delegate(self->state.deps.stores.for_key(q.id.value), q);
    },
    [=](const check_ready& q) {
      return self->delegate(self->state.deps.stores.shards.front(), q);
    },
    [=](const inspect_order& q) -> caf::result<order_inspection> {
      auto rp = self->make_response_promise<order_inspection>();
      inspect(self, q.id, rp);
      return rp;
    },
    [=](const list_orders& q) {
      return self->delegate(self->state.deps.stores.shards.front(), q);
    },
    [=](const load_cluster& q) {
      return self->delegate(self->state.deps.stores.shards.front(), q);
    },
    [=](const list_reviews& q) {
      return self->delegate(self->state.deps.stores.shards.front(), q);
    },
    [=](const decide_review& cmd) -> caf::result<review_reply> {
      auto rp = self->make_response_promise<review_reply>();
      decide(self, cmd, rp);
      return rp;
    },
    [=](const settle_order& cmd) -> caf::result<settle_reply> {
      auto rp = self->make_response_promise<settle_reply>();
      settle(self, cmd, rp);
      return rp;
    },
    [=](const psp_webhook& hook) -> caf::result<webhook_outcome> {
      auto rp = self->make_response_promise<webhook_outcome>();
      on_webhook(self, hook, rp);
      return rp;
    },
    [=](recover_atom) { recover(self); },
    [=](count_open_atom) { count_open_checkouts_again(self); },
    [=](const key_expired& expired) { expire_key(self, expired); },
  };
}

}  // namespace

payment_service_actor spawn_payment_service(caf::actor_system& sys,
                                            collaborators deps,
                                            payment_service_options options) {
  return sys.spawn(payment_service_behavior, std::move(deps), options);
}

}  // namespace pay
