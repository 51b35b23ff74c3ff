// Manual capture's routes (Bearer key, form-encoded, Idempotency-Key aware
// like create):
//   POST /v1/payment_intents/{id}/capture  amount_to_capture, expand[]
//   POST /v1/payment_intents/{id}/cancel   cancellation_reason, expand[]
// Refused in Stripe's words: a status that does not allow it is 400
// payment_intent_unexpected_state with the intent in error.payment_intent.
#pragma once

#include <string_view>

#include "http/server.hpp"
#include "pspsim/intent_store.hpp"
#include "pspsim/sim_time.hpp"

namespace pay::pspsim {

enum class intent_action : std::uint8_t {
  none = 0,
  capture = 1,
  cancel = 2,
};

struct intent_action_target {
  intent_action action = intent_action::none;
  std::string_view intent_id;
};

// "/v1/payment_intents/{id}/capture|cancel" -> the action and the id.
intent_action_target intent_action_of(std::string_view path);

http::response capture_intent(const http::request& req, std::string_view id,
                              intent_store& store, const sim_time& now);
http::response cancel_intent(const http::request& req, std::string_view id,
                             intent_store& store, const sim_time& now);

}  // namespace pay::pspsim
