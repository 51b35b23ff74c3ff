#include "tests/integration/sim_checks.hpp"

#include <gtest/gtest.h>

#include "testkit/json_read.hpp"
#include "testkit/sim.hpp"

namespace pay::it {

namespace json = boost::json;

json::array sim_charges(http::sync_client& sim) {
  auto snapshot = read_sim(sim);
  if (!snapshot.error.empty()) ADD_FAILURE() << snapshot.error;
  return snapshot.charges;
}

json::object sim_idempotency_keys(http::sync_client& sim) {
  auto snapshot = read_sim(sim);
  if (!snapshot.error.empty()) ADD_FAILURE() << snapshot.error;
  return snapshot.idempotency_keys;
}

std::int64_t sim_stat(http::sync_client& sim, const char* name) {
  const auto r = sim.get("/sim/stats");
  const auto v = json_of(r);
  const auto* value = v.is_object() ? v.as_object().if_contains(name) : nullptr;
  if (!value || !value->is_int64()) {
    ADD_FAILURE() << "GET /sim/stats has no " << name << ": "
                  << (r.ok ? r.res.body() : r.error);
    return -1;
  }
  return value->as_int64();
}

}  // namespace pay::it
