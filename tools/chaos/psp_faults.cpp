#include "tools/chaos/psp_faults.hpp"

#include <array>

#include <boost/json.hpp>

namespace pay::chaos {

namespace {

namespace json = boost::json;

// The counter names GET /sim/faults reports, one per fault kind.
constexpr std::array<const char*, 6> fault_kind_names{"error_500",
                                                      "error_429",
                                                      "reset_before_commit",
                                                      "reset_after_commit",
                                                      "timeout_after_commit",
                                                      "duplicate_processing"};

// How far past paymentd's PSP timeout a held answer is released.
constexpr std::uint32_t hold_beyond_timeout_ms = 300;

json::object to_json(const fault_profile& p) {
  return json::object{
    {"seed", p.seed},
    {"error_500", p.error_500},
    {"error_429", p.error_429},
    {"latency_ms", p.latency_ms},
    {"latency_jitter_ms", p.latency_jitter_ms},
    {"reset_before_commit", p.reset_before_commit},
    {"reset_after_commit", p.reset_after_commit},
    {"timeout_after_commit", p.timeout_after_commit},
    {"hold_ms", p.hold_ms},
    {"duplicate_processing", p.duplicate_processing},
  };
}

// The sum of the per-kind counters of `o`, or -1 when `o` has none of them.
std::int64_t sum_counters(const json::object& o) {
  std::int64_t total = -1;
  for (const char* name : fault_kind_names) {
    const auto* v = o.if_contains(name);
    if (!v || !(v->is_int64() || v->is_uint64())) continue;
    total = (total < 0 ? 0 : total)
            + (v->is_int64() ? v->as_int64()
                             : static_cast<std::int64_t>(v->as_uint64()));
  }
  return total;
}

// The counters are either the object's own fields or those of a member
// object ("injected": {...}); a member holding the configuration (it has a
// "seed") is skipped, its fields are probabilities.
std::int64_t injected_total(const json::object& o) {
  for (const auto& member : o) {
    if (!member.value().is_object()) continue;
    const auto& inner = member.value().as_object();
    if (inner.contains("seed")) continue;
    if (const auto total = sum_counters(inner); total >= 0) return total;
  }
  if (o.contains("seed")) return -1;
  return sum_counters(o);
}

}  // namespace

fault_profile moderate_faults(std::uint64_t seed,
                              std::uint32_t psp_request_timeout_ms,
                              double scale) {
  fault_profile p;
  p.seed = seed;
  p.error_500 = 0.04 * scale;
  p.error_429 = 0.04 * scale;
  p.latency_ms = 5;
  p.latency_jitter_ms = 40;
  p.reset_before_commit = 0.03 * scale;
  p.reset_after_commit = 0.03 * scale;
  p.timeout_after_commit = 0.03 * scale;
  p.hold_ms = psp_request_timeout_ms + hold_beyond_timeout_ms;
  p.duplicate_processing = 0.03 * scale;
  return p;
}

fault_profile no_faults() { return fault_profile{}; }

faults_status set_faults(http::sync_client& sim, const fault_profile& profile) {
  faults_status out;
  const auto r = sim.post("/sim/faults", json::serialize(to_json(profile)),
                          "application/json");
  if (!r.ok) {
    out.error = "POST /sim/faults: " + r.error;
    return out;
  }
  const auto status = r.res.result_int();
  if (status == 404) return out;
  out.supported = true;
  if (status != 200)
    out.error = "POST /sim/faults answered " + std::to_string(status) + ": "
                + r.res.body();
  return out;
}

fault_counters read_fault_counters(http::sync_client& sim) {
  fault_counters out;
  const auto r = sim.get("/sim/faults");
  if (!r.ok) {
    out.error = "GET /sim/faults: " + r.error;
    return out;
  }
  if (r.res.result_int() == 404) return out;
  out.supported = true;
  out.detail = r.res.body();
  boost::system::error_code ec;
  const auto v = json::parse(r.res.body(), ec);
  const auto total = !ec && v.is_object() ? injected_total(v.as_object()) : -1;
  if (total < 0) {
    out.error = "GET /sim/faults: no counters in " + r.res.body();
    return out;
  }
  out.injected_total = total;
  return out;
}

}  // namespace pay::chaos
