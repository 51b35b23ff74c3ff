#pragma once
// The HTTP routes of paymentd, as one http::handler.

#include <chrono>

#include <caf/all.hpp>

#include "http/server.hpp"
#include "messages/payment_service_protocol.hpp"
#include "messages/payout_protocol.hpp"
#include "messages/reconciler_protocol.hpp"
#include "messages/refund_protocol.hpp"

namespace pay::gateway {

struct gateway_options {
  std::size_t orders_per_checkout_max = 100;
  std::uint32_t wait_s_max = 30;
  std::chrono::milliseconds request_timeout{30'000};  // beyond any wait
  std::string admin_token;  // empty: /admin refuses everyone
  std::size_t store_instances = 1;  // shown by GET /admin/actors
  std::vector<std::string> webhook_secrets;  // several during a rotation
  std::int64_t webhook_tolerance_s = 300;
};

// The actors behind the routes after pay-in.
struct money_actors {
  refund_service_actor refunds;
  payout_service_actor payouts;
  reconciler_actor reconciler;
};

http::handler make_gateway(caf::actor_system& sys,
                           payment_service_actor service, money_actors money,
                           gateway_options options);

// `Prefer: wait=N` (RFC 7240) in milliseconds, bounded by wait_s_max; 0 when
// absent or malformed (an unknown preference is ignored, as the RFC says).
std::uint32_t preferred_wait_ms(std::string_view prefer_header,
                                std::uint32_t wait_s_max);

}  // namespace pay::gateway
