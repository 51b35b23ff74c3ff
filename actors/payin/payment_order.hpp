#pragma once

#include <chrono>
#include <optional>

#include <caf/all.hpp>

#include "actors/common/collaborators.hpp"
#include "domain/common/retry_schedule.hpp"
#include "messages/payin/checkout_protocol.hpp"
#include "messages/payin/payment_order_protocol.hpp"
#include "observability/metrics.hpp"

namespace pay {

struct payment_order_args {
  order_view row;          // as persisted: the actor continues from here
  std::string psp_token;   // token charge; empty for the hosted page
  std::string return_url;  // hosted page: where the PSP sends the buyer
  std::string correlation_id;
  // Stored EXECUTING by the accept a moment ago: nothing was sent to the PSP
  // yet, so the row alone does not mean "maybe charged" (recovery's reading).
  bool never_sent = false;
  bool capture_on_fulfillment = false;  // the checkout's capture method
};

struct payment_order_state {
  collaborators deps;
  checkout_actor checkout;
  order_view row;
  std::string psp_token;
  std::string return_url;
  std::string correlation_id;
  bool capture_on_fulfillment = false;
  bool checkout_done = false;  // this order's move marked its checkout done
  bool poll_in_flight = false;
  bool poll_at_first_step = false;  // started PENDING: ask at once
  // What the card rules made of this process's last authorization (JSON),
  // stored with the capture or void they decided: those calls' answers need
  // not repeat the card's checks.
  std::string decided_assessment;
  // When the first PSP attempt was made, on this process's clock (derived
  // from the persisted age at load); unset before the first attempt.
  std::optional<std::chrono::steady_clock::time_point> first_attempt_at;
  // Set while the order is being handed to the DLQ, so a failed hand-over
  // retries the hand-over, not the PSP call.
  std::string park_reason;
  std::string park_error;
  // Infrastructure failures of a step, undecided PSP attempts, and PENDING
  // polls (the backoff grows with them; one poll at a time).
  domain::retry_schedule schedule;
  // For operators (GET /admin/orders/{id}): what the actor waits for now,
  // and when its timer fires, if one is set.
  const char* waiting_on = "nothing";
  std::optional<std::chrono::system_clock::time_point> next_retry_at;
  obs::live_actor_count counted{obs::actor_kind::payment_order};
  obs::live_order_status status_gauge;
  static inline const char* name = "payment_order";
};

// The behaviour function, spawned by the checkout actor (monitored).
payment_order_actor::behavior_type payment_order(
  payment_order_actor::stateful_pointer<payment_order_state> self,
  collaborators deps, checkout_actor checkout, payment_order_args args);

}  // namespace pay
