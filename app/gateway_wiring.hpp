#pragma once
// The gateway's options from paymentd's settings and its running engine.

#include "app/engine.hpp"
#include "config/settings.hpp"
#include "gateway/common/gateway.hpp"

namespace pay {

gateway::gateway_options gateway_options_from(
  const settings& cfg, const engine& running,
  std::shared_ptr<gateway::key_registry> keys, const domain::node_identity& me);

}  // namespace pay
