#include "actors/payin/executor.hpp"

#include <cctype>

#include "actors/common/backlog.hpp"
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

using classifier = domain::charge_outcome (*)(domain::psp_transport, unsigned,
                                              std::string_view);
using outcome_sink = std::function<void(domain::charge_outcome)>;

// One PSP call, classified, timed and counted; `done` gets the outcome.
void call_psp(executor_self self, const psp_client_actor& psp,
              std::chrono::milliseconds timeout, std::string_view operation,
              psp_call call, classifier classify, const outcome_sink& done) {
  note_backlog(self, obs::shared_actor::executor);
  auto started = std::chrono::steady_clock::now();
  auto finish = [operation, started, done](domain::charge_outcome out) {
    obs::metrics::get().psp_call(operation, domain::to_string(out.kind),
                                 std::chrono::duration<double>(
                                   std::chrono::steady_clock::now() - started)
                                   .count());
    done(std::move(out));
  };
  self->request(psp, timeout, std::move(call))
    .then(
      [finish, classify](const psp_reply& reply) {
        finish(classify(reply.transport, reply.http_status, reply.body));
      },
      [finish](caf::error& err) { finish(unknown_because(err)); });
}

caf::result<domain::charge_outcome> answer_one_call(
  executor_self self, const psp_client_actor& psp,
  std::chrono::milliseconds timeout, std::string_view operation, psp_call call,
  classifier classify) {
  auto rp = self->make_response_promise<domain::charge_outcome>();
  call_psp(self, psp, timeout, operation, std::move(call), classify,
           [rp](domain::charge_outcome out) mutable {
             rp.deliver(std::move(out));
           });
  return rp;
}

psp_call get_intent_call(const std::string& id, const std::string& cid) {
  return psp_call{"GET", "/v1/payment_intents/" + id, {}, {}, cid, {}};
}

executor_actor::behavior_type executor_behavior(executor_self self,
                                                psp_client_actor psp,
                                                executor_options options) {
  auto timeout = std::chrono::milliseconds{options.psp_call_timeout_ms};
  return {
    [=](const execute_charge& charge) {
      return answer_one_call(self, psp, timeout, "create_intent",
                             make_create_intent_call(charge),
                             domain::classify_payment_intent);
    },
    [=](const query_charge& query) {
      return answer_one_call(self, psp, timeout, "get_intent",
                             get_intent_call(query.psp_reference,
                                             query.correlation_id),
                             domain::classify_payment_intent);
    },
    [=](const register_session& reg) {
      return answer_one_call(self, psp, timeout, "register_session",
                             make_register_session_call(reg),
                             domain::classify_checkout_session);
    },
    [=](const query_session& query) {
      auto rp = self->make_response_promise<domain::charge_outcome>();
      psp_call call{"GET",
                    "/v1/checkout/sessions/" + query.session_id,
                    {},
                    {},
                    query.correlation_id,
                    {}};
      auto cid = query.correlation_id;
      call_psp(self, psp, timeout, "get_session", std::move(call),
               domain::classify_checkout_session,
               [=](domain::charge_outcome session) mutable {
                 // A failed payment: the intent says why (declined, 3-D Secure
                 // failed), and that is what the order records.
                 if (session.kind != domain::charge_kind::declined
                     || session.psp_reference.empty()) {
                   rp.deliver(std::move(session));
                   return;
                 }
                 call_psp(self, psp, timeout, "get_intent",
                          get_intent_call(session.psp_reference, cid),
                          domain::classify_payment_intent,
                          [=](domain::charge_outcome intent) mutable {
                            intent.session_id = session.session_id;
                            intent.redirect_url = session.redirect_url;
                            rp.deliver(std::move(intent));
                          });
               });
      return rp;
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
  return psp_call{"POST",
                  "/v1/payment_intents",
                  http::form_encode(form),
                  charge.order.id.value,
                  charge.correlation_id,
                  {}};
}

psp_call make_register_session_call(const register_session& reg) {
  http::form_fields form = {
    {"amount", std::to_string(reg.order.amount_minor)},
    {"currency", lowercase(reg.order.currency)},
    {"return_url", reg.return_url},
    {"client_reference_id", reg.order.id.value},
    {"metadata[payment_order_id]", reg.order.id.value},
    {"metadata[checkout_id]", reg.checkout.value},
    {"metadata[seller_account]", reg.order.seller.value},
  };
  // Nonce and idempotency key are both the order id: registering again (a
  // retry, a recovery) yields the same session, never a second one.
  return psp_call{"POST",
                  "/v1/checkout/sessions",
                  http::form_encode(form),
                  reg.order.id.value,
                  reg.correlation_id,
                  {}};
}

executor_actor spawn_executor(caf::actor_system& sys, psp_client_actor psp,
                              executor_options options) {
  return sys.spawn(executor_behavior, std::move(psp), options);
}

}  // namespace pay
