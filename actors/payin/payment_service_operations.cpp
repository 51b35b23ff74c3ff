#include "actors/common/actor_errors.hpp"
#include "actors/payin/payment_service_state.hpp"
#include "observability/log.hpp"
#include "observability/metrics.hpp"

// What reaches a checkout from outside a client's request: verified PSP
// webhooks, operators' dead-letter and review decisions, and the admin
// look at one order (its row, and what its live actor is doing). In a
// cluster each is served by the node that drives the checkout: one about a
// checkout a live node elsewhere owns is answered owned_elsewhere, and the
// gateway forwards the request there.

namespace pay::payment_service_parts {

namespace {

// What each request does on the node that serves it (defined below).
void apply_webhook(service_self self, const psp_webhook& hook,
                   caf::typed_response_promise<webhook_outcome> rp);
void inspect_here(service_self self, const domain::payment_order_id& id,
                  caf::typed_response_promise<order_inspection> rp);
void decide_here(service_self self, const decide_review& cmd,
                 caf::typed_response_promise<review_reply> rp);

}  // namespace

// A verified webhook: remembered by event id (a redelivery changes nothing),
// then the order's actor is told to ask the PSP, or, when its checkout has
// no actor (after a restart), the checkout is resumed, which asks at start.
void on_webhook(service_self self, const psp_webhook& hook,
                caf::typed_response_promise<webhook_outcome> rp) {
  if (hook.order.value.empty()) {
    rp.deliver(webhook_outcome::ignored);
    return;
  }
  // Routed before the event is recorded: the owner records it.
  when_served_here(self, load_owner{{}, hook.order.value}, rp,
                   [=] { apply_webhook(self, hook, rp); });
}

namespace {

void apply_webhook(service_self self, const psp_webhook& hook,
                   caf::typed_response_promise<webhook_outcome> rp) {
  auto& st = self->state;
  const auto& store = st.deps.stores.for_key(hook.order.value);
  self
    ->request(store, st.deps.store_timeout,
              record_webhook_event{hook.event_id, hook.type, hook.order.value})
    .then(
      [=](bool first_time) mutable {
        if (!first_time) {
          rp.deliver(webhook_outcome::duplicate);
          return;
        }
        self
          ->request(store, self->state.deps.store_timeout,
                    load_order{hook.order})
          .then(
            [=](const order_lookup& found) mutable {
              if (!found.found) {
                rp.deliver(webhook_outcome::ignored);
                return;
              }
              auto live = self->state.live.find(found.view.checkout.value);
              if (live != self->state.live.end())
                self->send(live->second, psp_news{hook.order});
              else
                resume(self, found.view.checkout, hook.event_id,
                       [](const resume_outcome&) {});
              rp.deliver(webhook_outcome::applied);
            },
            [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
      },
      [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
}

// An operator's requeue or resolve, then the checkout is resumed: a
// requeued order needs a live actor again, and a resolved order may leave a
// SUCCESS sibling (or itself) with booking to finish.
template <class Command>
caf::result<operator_reply> operate_then_resume(service_self self,
                                                const Command& cmd) {
  auto rp = self->make_response_promise<operator_reply>();
  when_served_here(self, load_owner{{}, cmd.id.value}, rp, [=]() mutable {
    self->request(self->state.deps.dlq, self->state.deps.store_timeout, cmd)
      .then(
        [=](const operator_reply& reply) mutable {
          if (reply.outcome == operator_outcome::applied)
            resume(self, reply.entry.checkout, "resume",
                   [](const resume_outcome&) {});
          rp.deliver(reply);
        },
        [=](caf::error& err) mutable { rp.deliver(err); });
  });
  return rp;
}

}  // namespace

caf::result<operator_reply> operate(service_self self,
                                    const resolve_dead_letter& cmd) {
  return operate_then_resume(self, cmd);
}

caf::result<operator_reply> operate(service_self self,
                                    const requeue_dead_letter& cmd) {
  return operate_then_resume(self, cmd);
}

// The persisted row and history, and, when the order's checkout is live,
// what its actor is doing right now.
void inspect(service_self self, const domain::payment_order_id& id,
             const caf::typed_response_promise<order_inspection>& rp) {
  when_served_here(self, load_owner{{}, id.value}, rp,
                   [=] { inspect_here(self, id, rp); });
}

namespace {

void inspect_here(service_self self, const domain::payment_order_id& id,
                  caf::typed_response_promise<order_inspection> rp) {
  auto& st = self->state;
  self
    ->request(st.deps.stores.for_key(id.value), st.deps.store_timeout,
              load_order_record{id})
    .then(
      [=](order_record& record) mutable {
        order_inspection out;
        out.record = std::move(record);
        auto live = self->state.live.find(out.record.view.checkout.value);
        if (!out.record.found || live == self->state.live.end()) {
          rp.deliver(std::move(out));
          return;
        }
        self
          ->request(live->second, self->state.deps.store_timeout,
                    inspect_live_order{id})
          .then(
            [=](const order_live_view& view) mutable {
              auto answer = out;
              answer.live = view;
              rp.deliver(std::move(answer));
            },
            // The checkout ended meanwhile: nothing live to show.
            [=](caf::error&) mutable { rp.deliver(out); });
      },
      [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
}

}  // namespace

// An operator's review decision; approved orders are NOT_STARTED again and
// get actors.
void decide(service_self self, const decide_review& cmd,
            const caf::typed_response_promise<review_reply>& rp) {
  when_served_here(self, load_owner{cmd.id.value, {}}, rp,
                   [=] { decide_here(self, cmd, rp); });
}

namespace {

void decide_here(service_self self, const decide_review& cmd,
                 caf::typed_response_promise<review_reply> rp) {
  self->request(store_for(self, cmd.id), self->state.deps.store_timeout, cmd)
    .then(
      [=](review_reply& reply) mutable {
        log::info("operator", "review of checkout {}: {}", cmd.id.value,
                  cmd.approve ? "approved" : "rejected");
        if (reply.outcome == operator_outcome::applied)
          for (std::size_t i = 0; i < reply.checkout.orders.size(); ++i)
            obs::metrics::get().order_transition(
              domain::order_status::review,
              cmd.approve ? domain::order_status::not_started
                          : domain::order_status::failed);
        // Approved orders run again; rejected ones held after their
        // authorization have a void to make.
        if (reply.outcome == operator_outcome::applied)
          resume(self, cmd.id, "review", [](const resume_outcome&) {});
        rp.deliver(std::move(reply));
      },
      [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
}

}  // namespace

}  // namespace pay::payment_service_parts
