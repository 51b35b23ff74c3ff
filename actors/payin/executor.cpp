#include "actors/payin/executor.hpp"

#include "actors/common/backlog.hpp"
#include "actors/common/until_answered.hpp"
#include "domain/common/currency.hpp"
#include "domain/common/rfc3339.hpp"
#include "http/form.hpp"

namespace pay {

namespace {

// The PSP's answer to anything the actor system itself failed at (the
// psp_client gone) is unknown: the call may have gone out.
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
              std::string_view operation, psp_call call, classifier classify,
              const outcome_sink& done) {
  note_backlog(self, obs::shared_actor::executor);
  auto started = std::chrono::steady_clock::now();
  auto finish = [operation, started, done](domain::charge_outcome out) {
    obs::metrics::get().psp_call(operation, domain::to_string(out.kind),
                                 std::chrono::duration<double>(
                                   std::chrono::steady_clock::now() - started)
                                   .count());
    done(std::move(out));
  };
  self->request(psp, until_answered, std::move(call))
    .then(
      [finish, classify](const psp_reply& reply) {
        finish(classify(reply.transport, reply.http_status, reply.body));
      },
      [finish](caf::error& err) { finish(unknown_because(err)); });
}

// The outcome, as the answer to the request that promised it.
outcome_sink deliver_to(
  caf::typed_response_promise<domain::charge_outcome> rp) {
  return
    [rp](domain::charge_outcome out) mutable { rp.deliver(std::move(out)); };
}

caf::result<domain::charge_outcome> answer_one_call(executor_self self,
                                                    const psp_client_actor& psp,
                                                    std::string_view operation,
                                                    psp_call call,
                                                    classifier classify) {
  auto rp = self->make_response_promise<domain::charge_outcome>();
  call_psp(self, psp, operation, std::move(call), classify, deliver_to(rp));
  return rp;
}

// Pages of intents read before giving up on a search: a busy platform's
// few minutes. Past them the outcome stays unknown (the order is retried,
// then dead-lettered for a person), never assumed uncharged.
constexpr int search_pages_max = 20;
// The search starts this long before the first attempt (clock skew).
constexpr std::int64_t search_slack_s = 300;
// How long Stripe keeps an idempotency key at most.
constexpr std::int64_t key_lifetime_s = 86'400;

// The charge's first attempt may be older than the PSP keeps our key: find
// the intent by metadata[payment_order_id]; only when the PSP has none is
// it created, so a key the PSP forgot cannot become a second charge.
void search_then_create(executor_self self, const psp_client_actor& psp,
                        const execute_charge& charge,
                        caf::typed_response_promise<domain::charge_outcome> rp,
                        std::int64_t created_gte_unix_s,
                        const std::string& after, int pages) {
  auto started = std::chrono::steady_clock::now();
  auto call = make_search_intents_call(created_gte_unix_s, after,
                                       charge.correlation_id);
  self->request(psp, until_answered, std::move(call))
    .then(
      [=](const psp_reply& reply) mutable {
        auto page = domain::search_intents(reply.transport, reply.http_status,
                                           reply.body, charge.order.id.value);
        obs::metrics::get().psp_call(
          "search_intents",
          page.found ? "found" : (page.readable ? "absent" : "unreadable"),
          std::chrono::duration<double>(std::chrono::steady_clock::now()
                                        - started)
            .count());
        if (!page.readable) {
          rp.deliver(std::move(page.intent));
          return;
        }
        if (page.found) {
          // A list shows intents without their charge: read this one as a
          // query does, expanded, so the card rules decide on the same
          // checks as at its authorization (without them they would
          // capture what they held for review).
          call_psp(self, psp, "get_intent",
                   make_get_intent_call(page.intent.psp_reference,
                                        charge.correlation_id),
                   domain::classify_payment_intent, deliver_to(rp));
          return;
        }
        if (page.has_more) {
          if (pages + 1 < search_pages_max) {
            search_then_create(self, psp, charge, rp, created_gte_unix_s,
                               page.last_id, pages + 1);
            return;
          }
          domain::charge_outcome unsure;
          unsure.kind = domain::charge_kind::outcome_unknown;
          unsure.may_have_charged = true;
          unsure.failure_code = "psp_search_incomplete";
          rp.deliver(std::move(unsure));
          return;
        }
        call_psp(self, psp, "create_intent", make_create_intent_call(charge),
                 domain::classify_payment_intent, deliver_to(rp));
      },
      [rp](caf::error& err) mutable { rp.deliver(unknown_because(err)); });
}

executor_actor::behavior_type executor_behavior(executor_self self,
                                                psp_client_actor psp,
                                                executor_options options) {
  return {
    [=](const execute_charge& charge) -> caf::result<domain::charge_outcome> {
      auto rp = self->make_response_promise<domain::charge_outcome>();
      if (charge.key_first_used_unix_s > 0
          && domain::unix_now_s() - charge.key_first_used_unix_s
               >= options.key_trust_s) {
        search_then_create(self, psp, charge, rp,
                           charge.key_first_used_unix_s - search_slack_s, {},
                           0);
        return rp;
      }
      call_psp(
        self, psp, "create_intent", make_create_intent_call(charge),
        domain::classify_payment_intent,
        [=](domain::charge_outcome out) mutable {
          if (!domain::is_key_conflict(out)) {
            rp.deliver(std::move(out));
            return;
          }
          // Our key was used with other parameters (a request sent by an
          // older release): the intent made then carries our metadata, and
          // the PSP keeps keys a day, so it was created since then.
          search_then_create(
            self, psp, charge, rp,
            domain::unix_now_s() - key_lifetime_s - search_slack_s, {}, 0);
        });
      return rp;
    },
    [=](const query_charge& query) {
      return answer_one_call(self, psp, "get_intent",
                             make_get_intent_call(query.psp_reference,
                                                  query.correlation_id),
                             domain::classify_payment_intent);
    },
    [=](const capture_charge& cmd) {
      return answer_one_call(self, psp, "capture_intent",
                             make_capture_call(cmd),
                             domain::classify_payment_intent);
    },
    [=](const void_charge& cmd) {
      return answer_one_call(self, psp, "cancel_intent", make_void_call(cmd),
                             domain::classify_payment_intent);
    },
    [=](const register_session& reg) {
      return answer_one_call(self, psp, "register_session",
                             make_register_session_call(reg),
                             domain::classify_checkout_session);
    },
    [=](const query_session& query) {
      auto rp = self->make_response_promise<domain::charge_outcome>();
      auto call = make_get_session_call(query.session_id, query.correlation_id);
      auto cid = query.correlation_id;
      call_psp(self, psp, "get_session", std::move(call),
               domain::classify_checkout_session,
               [=](domain::charge_outcome session) mutable {
                 // A failed payment: the intent says why (declined, 3-D Secure
                 // failed), and that is what the order records. An expired
                 // session is its own reason, whatever its intent says.
                 if (session.kind != domain::charge_kind::declined
                     || session.failure_code == "expired"
                     || session.psp_reference.empty()) {
                   rp.deliver(std::move(session));
                   return;
                 }
                 call_psp(self, psp, "get_intent",
                          make_get_intent_call(session.psp_reference, cid),
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
    {"currency", domain::stripe_currency(charge.order.currency)},
    {"payment_method", charge.psp_token},
    {"confirm", "true"},
    {"payment_method_types[0]", "card"},
  };
  // Authorized first when the card rules may hold or void it, or the
  // checkout captures on fulfilment: nothing is captured before they decide.
  if (charge.authorize_only) form.emplace_back("capture_method", "manual");
  form.insert(
    form.end(),
    {
      // The charge's checks and risk score, stored with the order (and read
      // by the card rules).
      {"expand[]", "latest_charge"},
      {"metadata[payment_order_id]", charge.order.id.value},
      {"metadata[checkout_id]", charge.checkout.value},
      {"metadata[seller_account]", charge.order.seller.value},
    });
  // 3-D Secure needs the buyer: with a return_url the PSP answers where to
  // send them (next_action); without one nobody could, so the PSP declines
  // at once instead of leaving the order pending forever.
  if (charge.return_url.empty())
    form.emplace_back("error_on_requires_action", "true");
  else
    form.emplace_back("return_url", charge.return_url);
  // The payment order id is the idempotency key on every attempt, so no
  // retry, recovery or duplicate can ever become a second charge.
  return psp_post_call("/v1/payment_intents", http::form_encode(form),
                       charge.order.id.value, charge.correlation_id);
}

namespace {

std::string with_query(const std::string& url, std::string_view param) {
  return url + (url.find('?') == std::string::npos ? "?" : "&")
         + std::string{param};
}

}  // namespace

psp_call make_register_session_call(const register_session& reg) {
  const auto& order = reg.order;
  http::form_fields form = {
    {"mode", "payment"},
    {"payment_method_types[0]", "card"},
    {"line_items[0][price_data][currency]",
     domain::stripe_currency(order.currency)},
    {"line_items[0][price_data][unit_amount]",
     std::to_string(order.amount_minor)},
    {"line_items[0][price_data][product_data][name]",
     "Order " + order.id.value + " from " + order.seller.value},
    {"line_items[0][quantity]", "1"},
    // Stripe puts the session's id in place of the template.
    {"success_url",
     with_query(reg.return_url, "session_id={CHECKOUT_SESSION_ID}")},
    {"cancel_url", with_query(reg.return_url, "cancelled=true")},
    {"client_reference_id", order.id.value},
    {"payment_intent_data[metadata][payment_order_id]", order.id.value},
    {"payment_intent_data[metadata][checkout_id]", reg.checkout.value},
    {"payment_intent_data[metadata][seller_account]", order.seller.value},
    {"metadata[payment_order_id]", order.id.value},
    {"metadata[checkout_id]", reg.checkout.value},
    {"metadata[seller_account]", order.seller.value},
  };
  // The idempotency key is the order id: registering again (a retry, a
  // recovery) yields the same session, never a second one.
  return psp_post_call("/v1/checkout/sessions", http::form_encode(form),
                       order.id.value, reg.correlation_id);
}

namespace {

std::string intent_path(const std::string& payment_intent) {
  return "/v1/payment_intents/" + http::url_encode_component(payment_intent);
}

}  // namespace

psp_call make_get_intent_call(const std::string& payment_intent,
                              const std::string& correlation_id) {
  return psp_get_call(intent_path(payment_intent) + "?"
                        + http::form_encode({{"expand[]", "latest_charge"}}),
                      correlation_id);
}

// Neither a capture nor a void expands the charge: the card's checks were
// read at the authorization, and the order keeps what was decided on them.
psp_call make_capture_call(const capture_charge& cmd) {
  http::form_fields form = {
    {"amount_to_capture", std::to_string(cmd.amount_minor)},
  };
  return psp_post_call(intent_path(cmd.psp_reference) + "/capture",
                       http::form_encode(form), cmd.order.value + ":capture",
                       cmd.correlation_id);
}

psp_call make_void_call(const void_charge& cmd) {
  http::form_fields form;
  if (!cmd.cancellation_reason.empty())
    form.emplace_back("cancellation_reason", cmd.cancellation_reason);
  return psp_post_call(intent_path(cmd.psp_reference) + "/cancel",
                       http::form_encode(form), cmd.order.value + ":void",
                       cmd.correlation_id);
}

psp_call make_get_session_call(const std::string& session_id,
                               const std::string& correlation_id) {
  return psp_get_call("/v1/checkout/sessions/"
                        + http::url_encode_component(session_id),
                      correlation_id);
}

psp_call make_search_intents_call(std::int64_t created_gte_unix_s,
                                  const std::string& starting_after,
                                  const std::string& correlation_id) {
  http::form_fields query = {
    {"limit", "100"},
    {"created[gte]", std::to_string(created_gte_unix_s)},
  };
  if (!starting_after.empty())
    query.emplace_back("starting_after", starting_after);
  return psp_get_call("/v1/payment_intents?" + http::form_encode(query),
                      correlation_id);
}

executor_actor spawn_executor(caf::actor_system& sys, psp_client_actor psp,
                              executor_options options) {
  return sys.spawn(executor_behavior, std::move(psp), options);
}

}  // namespace pay
