#pragma once
// What pspsim says it charged, read through its test-only /sim endpoints.

#include <string>

#include <boost/json.hpp>

#include "http/sync_client.hpp"

namespace pay::it {

struct sim_snapshot {
  std::string error;                     // empty when both reads worked
  boost::json::array charges;            // GET /sim/charges "data"
  boost::json::object idempotency_keys;  // key -> times charged
};

sim_snapshot read_sim(http::sync_client& sim);

}  // namespace pay::it
