#pragma once

#include <caf/all.hpp>

#include "domain/risk/risk_rules.hpp"
#include "messages/risk/risk_protocol.hpp"

namespace pay {

struct risk_options {
  domain::risk_rules rules;
  std::chrono::milliseconds store_timeout{30'000};
};

risk_actor spawn_risk(caf::actor_system& sys, store_pool stores,
                      risk_options options);

}  // namespace pay
