#pragma once
// The PSP client: HTTP transport to the PSP over a keep-alive connection
// pool. It knows nothing about payments; the executor builds the calls.

#include <caf/all.hpp>

#include "domain/common/psp_outcome.hpp"

namespace pay {

struct psp_call {
  std::string method;           // "GET" or "POST"
  std::string target;           // "/v1/payment_intents"
  std::string form_body;        // application/x-www-form-urlencoded, POST only
  std::string idempotency_key;  // sent as Idempotency-Key on POST
  std::string correlation_id;
  // Stripe Connect: the connected account (acct_...) the call acts on, sent
  // as Stripe-Account; empty: the platform's own account.
  std::string stripe_account;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, psp_call& x) {
  return f(x.method, x.target, x.form_body, x.idempotency_key, x.correlation_id,
           x.stripe_account);
}

// GET `target`: a read, never keyed.
inline psp_call psp_get_call(std::string target, std::string correlation_id) {
  return psp_call{"GET", std::move(target),         {},
                  {},    std::move(correlation_id), {}};
}

// POST `form_body` to `target` under `idempotency_key`.
inline psp_call psp_post_call(std::string target, std::string form_body,
                              std::string idempotency_key,
                              std::string correlation_id) {
  return psp_call{"POST",
                  std::move(target),
                  std::move(form_body),
                  std::move(idempotency_key),
                  std::move(correlation_id),
                  {}};
}

struct psp_reply {
  domain::psp_transport transport = domain::psp_transport::outcome_unknown;
  std::uint32_t http_status = 0;
  std::string body;
  std::string error;  // transport error text, empty when responded
  std::uint32_t elapsed_ms = 0;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, psp_reply& x) {
  return f(x.transport, x.http_status, x.body, x.error, x.elapsed_ms);
}

// Internal: a pool thread hands a finished call back to the actor, which
// then fulfils the caller's promise on its own thread.
struct psp_call_done {
  std::uint64_t call_id = 0;
  psp_reply reply;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, psp_call_done& x) {
  return f(x.call_id, x.reply);
}

using psp_client_actor = caf::typed_actor<
  caf::replies_to<psp_call>::with<psp_reply>, caf::reacts_to<psp_call_done>>;

}  // namespace pay
