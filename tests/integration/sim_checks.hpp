#pragma once
// pspsim's test-only views, as the tests read them: a failed read is a test
// failure (ADD_FAILURE), and the caller gets an empty value.

#include <cstdint>

#include <boost/json.hpp>

#include "http/sync_client.hpp"

namespace pay::it {

boost::json::array sim_charges(http::sync_client& sim);
boost::json::object sim_idempotency_keys(http::sync_client& sim);
// One counter of GET /sim/stats ("requests", "charges", ...); -1 if absent.
std::int64_t sim_stat(http::sync_client& sim, const char* name);

}  // namespace pay::it
