#pragma once

#include <caf/all.hpp>

#include "messages/common/psp_client_protocol.hpp"
#include "messages/payin/executor_protocol.hpp"

namespace pay {

struct executor_options {
  // How long the PSP surely keeps an idempotency key (psp.idempotency_key_
  // trust_s): a charge first tried longer ago is looked up before it is
  // created again.
  std::int64_t key_trust_s = 23 * 3600;
};

executor_actor spawn_executor(caf::actor_system& sys, psp_client_actor psp,
                              executor_options options);

// The PaymentIntent create call for one order (pure: unit-tested).
psp_call make_create_intent_call(const execute_charge& charge);
psp_call make_register_session_call(const register_session& reg);
psp_call make_get_intent_call(const std::string& payment_intent,
                              const std::string& correlation_id);
// Capture (amount_to_capture) or cancel the order's authorized intent.
psp_call make_capture_call(const capture_charge& cmd);
psp_call make_void_call(const void_charge& cmd);
psp_call make_get_session_call(const std::string& session_id,
                               const std::string& correlation_id);
// GET /v1/payment_intents?created[gte]=...: one page of the intents created
// since `created_gte_unix_s`, newest first, after `starting_after` ("" for
// the first page).
psp_call make_search_intents_call(std::int64_t created_gte_unix_s,
                                  const std::string& starting_after,
                                  const std::string& correlation_id);

}  // namespace pay
