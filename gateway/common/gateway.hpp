#pragma once
// The HTTP routes of paymentd, as one http::handler.

#include <chrono>

#include <caf/all.hpp>

#include "domain/cluster/ownership.hpp"
#include "gateway/access/key_registry.hpp"
#include "gateway/access/rate_limiter.hpp"
#include "http/server.hpp"
#include "messages/payin/payment_service_protocol.hpp"
#include "messages/payout/payout_protocol.hpp"
#include "messages/reconcile/reconciler_protocol.hpp"
#include "messages/refund/refund_protocol.hpp"

namespace pay::gateway {

class owner_forwarder;

struct gateway_options {
  std::size_t orders_per_checkout_max = 100;
  std::uint32_t wait_s_max = 30;
  std::chrono::milliseconds request_timeout{30'000};  // beyond any wait
  // Every /v1 and /admin route needs a key from here.
  std::shared_ptr<key_registry> keys;
  bool metrics_public = true;
  // Per key (open routes and failed authentications: per client address).
  bucket_rule read_rate, write_rate, admin_rate, open_rate, auth_failure_rate;
  // Prefer: wait requests parked at once, per key and in all (0: no waits).
  std::uint32_t waits_per_key_max = 1'000;
  std::uint32_t waits_max = 5'000;
  std::size_t buyer_info_bytes_max = 4 * 1024;
  std::size_t buyer_info_keys_max = 32;
  std::size_t store_instances = 1;           // shown by GET /admin/actors
  std::vector<std::string> webhook_secrets;  // several during a rotation
  std::int64_t webhook_tolerance_s = 300;
  // In a cluster: sends requests about other nodes' checkouts to them.
  std::shared_ptr<owner_forwarder> forwarder;
  // This node in a cluster (empty node id: paymentd runs alone).
  domain::node_identity me;
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
