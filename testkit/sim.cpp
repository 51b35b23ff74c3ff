#include "testkit/sim.hpp"

#include "testkit/json_read.hpp"

namespace pay::it {

sim_snapshot read_sim(http::sync_client& sim) {
  sim_snapshot out;
  auto charges = sim.get("/sim/charges");
  auto v = json_of(charges);
  const auto* data = v.is_object() ? v.as_object().if_contains("data")
                                   : nullptr;
  if (data == nullptr || !data->is_array()) {
    out.error = "GET /sim/charges: "
                + (charges.ok ? charges.res.body() : charges.error);
    return out;
  }
  out.charges = data->as_array();
  auto keys = sim.get("/sim/idempotency_keys");
  auto k = json_of(keys);
  if (!k.is_object()) {
    out.error = "GET /sim/idempotency_keys: "
                + (keys.ok ? keys.res.body() : keys.error);
    return out;
  }
  out.idempotency_keys = k.as_object();
  return out;
}

}  // namespace pay::it
