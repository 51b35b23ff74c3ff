#include "pspsim/fault_config.hpp"

#include <cmath>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "pspsim/check.hpp"

namespace pay::pspsim {
namespace {

std::size_t index_of(fault_kind kind) {
  PSPSIM_CHECK(kind != fault_kind::none);
  const auto index = static_cast<std::size_t>(kind) - 1;
  PSPSIM_CHECK(index < fault_kind_count);
  return index;
}

std::optional<fault_kind> kind_named(std::string_view name) {
  for (const fault_kind kind : fault_kinds_in_draw_order) {
    if (to_string(kind) == name) return kind;
  }
  return std::nullopt;
}

fault_config_error invalid(std::string_view param, std::string_view expected) {
  return {"parameter_invalid",
          "Invalid " + std::string(param) + ": expected "
            + std::string(expected) + ".",
          std::string(param)};
}

std::optional<fault_config_error> read_seed(std::string_view name,
                                            const boost::json::value& value,
                                            std::uint64_t& seed) {
  if (value.is_uint64()) {
    seed = value.get_uint64();
  } else if (value.is_int64() && value.get_int64() >= 0) {
    seed = static_cast<std::uint64_t>(value.get_int64());
  } else {
    return invalid(name, "a whole number from 0 to 18446744073709551615");
  }
  return std::nullopt;
}

std::optional<fault_config_error> read_ms(std::string_view name,
                                          const boost::json::value& value,
                                          std::uint32_t& ms) {
  const bool in_range = value.is_int64() && value.get_int64() >= 0
                        && value.get_int64() <= fault_delay_ms_max;
  if (!in_range) return invalid(name, "a whole number of ms from 0 to 600000");
  ms = static_cast<std::uint32_t>(value.get_int64());
  return std::nullopt;
}

std::optional<fault_config_error> read_probability(
  std::string_view name, const boost::json::value& value, double& probability) {
  if (!value.is_number()) return invalid(name, "a number from 0 to 1");
  const double number = value.to_number<double>();
  if (!std::isfinite(number) || number < 0.0 || number > 1.0) {
    return invalid(name, "a number from 0 to 1");
  }
  probability = number;
  return std::nullopt;
}

std::optional<fault_config_error> read_field(std::string_view name,
                                             const boost::json::value& value,
                                             fault_config& config) {
  if (name == "seed") return read_seed(name, value, config.seed);
  if (name == "latency_ms") return read_ms(name, value, config.latency_ms);
  if (name == "latency_jitter_ms") {
    return read_ms(name, value, config.latency_jitter_ms);
  }
  if (name == "hold_ms") return read_ms(name, value, config.hold_ms);
  if (name == "webhook_delay_ms") {
    return read_ms(name, value, config.webhooks.delay_ms);
  }
  if (name == "webhook_drop") {
    return read_probability(name, value, config.webhooks.drop);
  }
  if (name == "webhook_duplicate") {
    return read_probability(name, value, config.webhooks.duplicate);
  }
  if (name == "webhook_reorder") {
    return read_probability(name, value, config.webhooks.reorder);
  }
  if (const auto kind = kind_named(name)) {
    double probability = 0.0;
    if (auto error = read_probability(name, value, probability)) return error;
    config.set_probability(*kind, probability);
    return std::nullopt;
  }
  return fault_config_error{"parameter_unknown",
                            "Unknown fault setting: " + std::string(name) + ".",
                            std::string(name)};
}

}  // namespace

std::string_view to_string(fault_kind kind) {
  switch (kind) {
    case fault_kind::none:
      return "none";
    case fault_kind::error_500:
      return "error_500";
    case fault_kind::error_429:
      return "error_429";
    case fault_kind::reset_before_commit:
      return "reset_before_commit";
    case fault_kind::reset_after_commit:
      return "reset_after_commit";
    case fault_kind::timeout_after_commit:
      return "timeout_after_commit";
    case fault_kind::duplicate_processing:
      return "duplicate_processing";
  }
  return "unknown";
}

double fault_config::probability(fault_kind kind) const {
  return probabilities[index_of(kind)];
}

void fault_config::set_probability(fault_kind kind, double probability) {
  PSPSIM_CHECK(probability >= 0.0 && probability <= 1.0);
  probabilities[index_of(kind)] = probability;
}

bool fault_config::active() const {
  if (latency_ms > 0 || latency_jitter_ms > 0) return true;
  for (const double probability : probabilities) {
    if (probability > 0.0) return true;
  }
  return false;
}

parsed_fault_config parse_fault_config(std::string_view json) {
  boost::system::error_code ec;
  const boost::json::value body = boost::json::parse(json, ec);
  if (ec || !body.is_object()) {
    return {std::nullopt,
            {"body_invalid", "The fault configuration must be a JSON object.",
             ""}};
  }
  fault_config config;
  for (const auto& field : body.get_object()) {
    if (auto error = read_field(field.key(), field.value(), config)) {
      return {std::nullopt, std::move(*error)};
    }
  }
  return {config, {}};
}

boost::json::object fault_config_to_json(const fault_config& config) {
  boost::json::object out;
  out["seed"] = config.seed;
  for (const fault_kind kind : fault_kinds_in_draw_order) {
    out[to_string(kind)] = config.probability(kind);
  }
  out["latency_ms"] = config.latency_ms;
  out["latency_jitter_ms"] = config.latency_jitter_ms;
  out["hold_ms"] = config.hold_ms;
  out["webhook_drop"] = config.webhooks.drop;
  out["webhook_duplicate"] = config.webhooks.duplicate;
  out["webhook_reorder"] = config.webhooks.reorder;
  out["webhook_delay_ms"] = config.webhooks.delay_ms;
  return out;
}

}  // namespace pay::pspsim
