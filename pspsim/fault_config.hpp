// Which faults pspsim injects and how often: the kinds, their fixed draw
// order, and the JSON configuration (POST /sim/faults, --faults,
// PSPSIM_FAULTS) parsed into a plain struct or a precise error.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

namespace pay::pspsim {

// At most one kind hits a request. The numbers are the draw order.
enum class fault_kind : std::uint8_t {
  none = 0,
  error_500 = 1,             // 500 api_error, nothing done
  error_429 = 2,             // 429 rate_limit_error, nothing done
  reset_before_commit = 3,   // connection reset, nothing done
  reset_after_commit = 4,    // processed and stored, then reset
  timeout_after_commit = 5,  // processed and stored, held hold_ms, then reset
  duplicate_processing = 6,  // processed twice; the answer is the replay
};

constexpr std::size_t fault_kind_count = 6;
constexpr std::array<fault_kind, fault_kind_count> fault_kinds_in_draw_order{
  fault_kind::error_500,
  fault_kind::error_429,
  fault_kind::reset_before_commit,
  fault_kind::reset_after_commit,
  fault_kind::timeout_after_commit,
  fault_kind::duplicate_processing};

// The JSON field and counter name: "error_500", ...; "none" for none.
std::string_view to_string(fault_kind kind);

// The routes faults apply to. Reads commit nothing, so only the kinds that
// act before any work make sense for them.
enum class fault_target : std::uint8_t {
  create_intent = 1,  // POST /v1/payment_intents
  read_intent = 2,    // GET /v1/payment_intents/{id}
  create_refund = 3,  // POST /v1/refunds
  read_refund = 4,    // GET /v1/refunds/{id}
  create_payout = 5,  // POST /v1/payouts
  read_payout = 6,    // GET /v1/payouts/{id}
};

constexpr bool fault_applies(fault_kind kind, fault_target target) {
  if (kind == fault_kind::none) return false;
  if (target == fault_target::create_intent
      || target == fault_target::create_refund
      || target == fault_target::create_payout) {
    return true;
  }
  return kind == fault_kind::error_500 || kind == fault_kind::error_429
         || kind == fault_kind::reset_before_commit;
}

constexpr std::uint32_t fault_delay_ms_max = 600'000;
constexpr std::uint32_t hold_ms_default = 30'000;

// Faults of webhook delivery (pspsim -> the webhook URL), drawn per event
// from a stream of their own, so they never shift the request faults.
struct webhook_fault_config {
  double drop = 0.0;       // never delivered; recorded as dropped
  double duplicate = 0.0;  // delivered a second time once delivered
  double reorder = 0.0;    // held back until the intent's next event is sent
  std::uint32_t delay_ms = 0;  // added before the first attempt of every event

  bool active() const {
    return drop > 0.0 || duplicate > 0.0 || reorder > 0.0 || delay_ms > 0;
  }
};

// Probabilities are test configuration, not money: doubles in [0, 1].
struct fault_config {
  std::uint64_t seed = 0;
  std::array<double, fault_kind_count> probabilities{};  // by draw order
  std::uint32_t latency_ms = 0;             // added to every faultable answer
  std::uint32_t latency_jitter_ms = 0;      // plus uniform [0, jitter]
  std::uint32_t hold_ms = hold_ms_default;  // timeout_after_commit's hold
  webhook_fault_config webhooks;  // webhook_drop, webhook_duplicate, ...

  double probability(fault_kind kind) const;
  void set_probability(fault_kind kind, double probability);
  // False when no request would ever be faulted or delayed (webhook faults
  // do not count: they are drawn per event, not per request).
  bool active() const;
};

struct fault_config_error {
  std::string code;  // "body_invalid", "parameter_unknown", "parameter_invalid"
  std::string message;
  std::string param;  // the offending field; empty for the body as a whole
};

struct parsed_fault_config {
  std::optional<fault_config> config;  // set exactly when error is not
  fault_config_error error;
};

// A JSON object whose fields are all optional; a missing field is 0 / off
// (hold_ms: 30000). Unknown fields are refused so that a typo cannot
// silently leave a fault off.
parsed_fault_config parse_fault_config(std::string_view json);

// Every field, in the same format parse_fault_config reads.
boost::json::object fault_config_to_json(const fault_config& config);

}  // namespace pay::pspsim
