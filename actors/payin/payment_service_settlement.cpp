#include "actors/payin/payment_service_state.hpp"
#include "domain/common/money.hpp"
#include "observability/log.hpp"
#include "observability/metrics.hpp"

// Capture on fulfilment: a merchant's fulfil (capture) or cancel (void) of
// an authorized order. The decision is persisted first (CAPTURING or
// VOIDING, by compare-and-set: one of a fulfil and a cancel racing wins),
// then the order's checkout is resumed and its order actor tells the PSP.
// Served by the node that drives the checkout, like every request that
// moves an order.

namespace pay::payment_service_parts {

namespace {

void persist_decision(service_self self, const settle_order& cmd,
                      std::int64_t amount_minor,
                      caf::typed_response_promise<settle_reply> rp) {
  auto& st = self->state;
  auto on_reply = [=](const settle_reply& reply) mutable {
    if (reply.outcome == settle_outcome::applied) {
      obs::metrics::get().order_transition(domain::order_status::authorized,
                                           reply.order.status);
      log::info(cmd.correlation_id, "order {} {} by the merchant", cmd.id.value,
                cmd.capture ? "fulfilled: capture" : "cancelled");
      resume(self, reply.order.checkout, cmd.correlation_id,
             [](const resume_outcome&) {});
    }
    rp.deliver(reply);
  };
  auto on_error = [=](caf::error& err) mutable { rp.deliver(std::move(err)); };
  const auto& store = st.deps.stores.for_key(cmd.id.value);
  if (cmd.capture)
    self
      ->request(store, st.deps.store_timeout,
                request_capture{cmd.id, amount_minor, cmd.correlation_id})
      .then(on_reply, on_error);
  else
    self
      ->request(store, st.deps.store_timeout,
                request_void{cmd.id, "canceled",
                             "Cancelled by the merchant before capture.",
                             cmd.correlation_id})
      .then(on_reply, on_error);
}

void settle_here(service_self self, const settle_order& cmd,
                 caf::typed_response_promise<settle_reply> rp) {
  if (!cmd.capture || cmd.amount.empty()) {
    persist_decision(self, cmd, 0, rp);
    return;
  }
  // A partial capture's amount is read in the order's own currency.
  auto& st = self->state;
  self
    ->request(st.deps.stores.for_key(cmd.id.value), st.deps.store_timeout,
              load_order{cmd.id})
    .then(
      [=](const order_lookup& found) mutable {
        if (!found.found) {
          rp.deliver(settle_reply{});
          return;
        }
        auto parsed = domain::parse_money(cmd.amount, found.view.currency);
        if (parsed.error != domain::money_error::ok) {
          settle_reply refused{settle_outcome::amount_invalid, found.view,
                               parsed.error};
          rp.deliver(std::move(refused));
          return;
        }
        persist_decision(self, cmd, parsed.value.amount_minor, rp);
      },
      [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
}

}  // namespace

void settle(service_self self, const settle_order& cmd,
            const caf::typed_response_promise<settle_reply>& rp) {
  when_served_here(self, load_owner{{}, cmd.id.value}, rp,
                   [=] { settle_here(self, cmd, rp); });
}

}  // namespace pay::payment_service_parts
