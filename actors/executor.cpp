#include "actors/executor.hpp"

#include <cctype>

#include "actors/backlog.hpp"
#include "http/form.hpp"

namespace pay {

namespace {

std::string lowercase(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The PSP's answer to anything the actor system itself failed at (timeout
// waiting for the psp_client) is unknown: the call may have gone out.
domain::charge_outcome unknown_because(const caf::error& err) {
  domain::charge_outcome out;
  out.kind = domain::charge_kind::outcome_unknown;
  out.failure_code = "psp_client_error";
  out.failure_message = caf::to_string(err);
  return out;
}

using executor_self = executor_actor::pointer;

caf::result<domain::charge_outcome> call_psp(executor_self self,
                                             const psp_client_actor& psp,
                                             std::chrono::milliseconds timeout,
                                             std::string_view operation,
                                             psp_call call) {
  auto rp = self->make_response_promise<domain::charge_outcome>();
  note_backlog(self, obs::shared_actor::executor);
  auto started = std::chrono::steady_clock::now();
  auto seconds_since = [started] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now()
                                         - started)
      .count();
  };
  self->request(psp, timeout, std::move(call))
    .then(
      [rp, operation, seconds_since](const psp_reply& reply) mutable {
        auto out = domain::classify_payment_intent(
          reply.transport, reply.http_status, reply.body);
        obs::metrics::get().psp_call(operation, domain::to_string(out.kind),
                                     seconds_since());
        rp.deliver(std::move(out));
      },
      [rp, operation, seconds_since](caf::error& err) mutable {
        auto out = unknown_because(err);
        obs::metrics::get().psp_call(operation, domain::to_string(out.kind),
                                     seconds_since());
        rp.deliver(std::move(out));
      });
  return rp;
}

executor_actor::behavior_type executor_behavior(executor_self self,
                                                psp_client_actor psp,
                                                executor_options options) {
  auto timeout = std::chrono::milliseconds{options.psp_call_timeout_ms};
  return {
    [=](const execute_charge& charge) {
      return call_psp(self, psp, timeout, "create_intent",
                      make_create_intent_call(charge));
    },
    [=](const query_charge& query) {
      psp_call call{"GET", "/v1/payment_intents/" + query.psp_reference, {},
                    {}, query.correlation_id};
      return call_psp(self, psp, timeout, "get_intent", std::move(call));
    },
  };
}

}  // namespace

psp_call make_create_intent_call(const execute_charge& charge) {
  http::form_fields form = {
    {"amount", std::to_string(charge.order.amount_minor)},
    {"currency", lowercase(charge.order.currency)},
    {"payment_method", charge.psp_token},
    {"confirm", "true"},
    {"metadata[payment_order_id]", charge.order.id.value},
    {"metadata[checkout_id]", charge.checkout.value},
    {"metadata[seller_account]", charge.order.seller.value},
  };
  // The payment order id is the idempotency key on every attempt, so no
  // retry, recovery or duplicate can ever become a second charge.
  return psp_call{"POST", "/v1/payment_intents", http::form_encode(form),
                  charge.order.id.value, charge.correlation_id};
}

executor_actor spawn_executor(caf::actor_system& sys, psp_client_actor psp,
                              executor_options options) {
  return sys.spawn(executor_behavior, std::move(psp), options);
}

}  // namespace pay
