#pragma once

#include <chrono>

#include <caf/all.hpp>

#include "actors/common/collaborators.hpp"
#include "domain/cluster/ownership.hpp"
#include "messages/payin/payment_service_protocol.hpp"

namespace pay {

struct payment_service_options {
  std::uint32_t recovery_batch_max = 10'000;
  // Longest a first request under an Idempotency-Key may take to store its
  // answer before its joiners are released with a retryable error.
  std::chrono::milliseconds key_completion_timeout{120'000};
  // Past this execution backlog a new checkout is refused (overloaded).
  std::uint32_t backlog_max = 20'000;
  std::uint32_t retry_after_s = 1;  // told to a refused client
  // No risk rule configured: every checkout is stored already allowed.
  bool allow_without_risk_check = false;
  // An Idempotency-Key older than this is forgotten: its next use is a new
  // request (Stripe keeps keys 24 hours).
  std::uint32_t idempotency_ttl_s = 86'400;
  // Open checkouts (an order not final yet) one merchant account may hold,
  // so that one key cannot park orders without end: each PENDING one is
  // polled at the PSP and kept in the database. 0: no cap. Ids of the
  // platform (admin keys) are not capped.
  std::uint32_t open_checkouts_per_account_max = 5'000;
  // How often they are counted again from the database (in between, each
  // new checkout counts one more).
  std::chrono::milliseconds open_checkouts_refresh{1'000};
  // This node's incarnation in a cluster (empty node id: alone). A
  // checkout is driven only by its owner; a request about one a live node
  // elsewhere owns is answered with owned_elsewhere, which the gateway
  // forwards there.
  domain::node_identity me;
};

payment_service_actor spawn_payment_service(caf::actor_system& sys,
                                            collaborators deps,
                                            payment_service_options options);

}  // namespace pay
