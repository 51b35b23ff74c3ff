#pragma once

#include <chrono>
#include <string>

#include <caf/all.hpp>

#include "domain/cluster/ownership.hpp"
#include "messages/cluster/cluster_protocol.hpp"
#include "messages/payin/payment_service_protocol.hpp"
#include "messages/payout/payout_protocol.hpp"
#include "messages/refund/refund_protocol.hpp"

namespace pay {

struct takeover_options {
  std::string database_url;  // the node's own (fenced) URL
  domain::node_identity me;
  std::chrono::milliseconds interval{1'000};
  std::uint32_t batch_max = 1'000;
};

// Where taken-over work goes: each service resumes it as recovery does.
struct takeover_targets {
  payment_service_actor payments;
  refund_service_actor refunds;  // may be null (refunds off)
  payout_service_actor payouts;  // may be null
};

takeover_actor spawn_takeover(caf::actor_system& sys, takeover_options options,
                              takeover_targets targets);

}  // namespace pay
