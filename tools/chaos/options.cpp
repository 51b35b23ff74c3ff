#include "tools/chaos/options.hpp"

#include <charconv>
#include <cstdlib>
#include <functional>
#include <limits>
#include <random>
#include <vector>

namespace pay::chaos {

namespace {

using setter = std::function<std::string(chaos_options&, const std::string&)>;

struct option_spec {
  const char* name;  // without the leading "--"
  bool takes_value;
  setter set;
};

std::string parse_number(const std::string& text, std::uint64_t min,
                         std::uint64_t max, std::uint64_t& value) {
  const auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty())
    return "not a whole number: '" + text + "'";
  if (value < min || value > max)
    return "out of range [" + std::to_string(min) + ", " + std::to_string(max)
           + "]: " + text;
  return {};
}

setter u32_field(std::uint32_t chaos_options::*field, std::uint64_t min,
                 std::uint64_t max) {
  return [=](chaos_options& o, const std::string& text) {
    std::uint64_t value = 0;
    auto err = parse_number(text, min, max, value);
    if (err.empty()) o.*field = static_cast<std::uint32_t>(value);
    return err;
  };
}

setter flag(bool chaos_options::*field) {
  return [=](chaos_options& o, const std::string&) {
    o.*field = true;
    return std::string{};
  };
}

const std::vector<option_spec>& specs() {
  static const std::vector<option_spec> all = {
      {"rounds", true, u32_field(&chaos_options::rounds, 1, 100'000)},
      {"seed", true,
       [](chaos_options& o, const std::string& text) {
         std::uint64_t value = 0;
         auto err = parse_number(
             text, 0, std::numeric_limits<std::uint64_t>::max() / 2, value);
         if (err.empty()) {
           o.seed = value;
           o.seed_given = true;
         }
         return err;
       }},
      // 100 is paymentd's api.orders_per_checkout_max.
      {"checkouts", true, u32_field(&chaos_options::checkouts, 1, 100'000)},
      {"orders-per-checkout", true,
       u32_field(&chaos_options::orders_per_checkout, 1, 100)},
      {"concurrency", true, u32_field(&chaos_options::concurrency, 1, 512)},
      {"kills", true, u32_field(&chaos_options::kills, 0, 100)},
      {"pg-restarts", true, u32_field(&chaos_options::pg_restarts, 0, 20)},
      {"quiesce-timeout-s", true,
       u32_field(&chaos_options::quiesce_timeout_s, 1, 3600)},
      {"faults", true,
       [](chaos_options& o, const std::string& text) {
         if (text == "none") o.faults = fault_level::none;
         else if (text == "moderate") o.faults = fault_level::moderate;
         else if (text == "heavy") o.faults = fault_level::heavy;
         else return "none, moderate or heavy, not '" + text + "'";
         return std::string{};
       }},
      {"keep-logs", false, flag(&chaos_options::keep_logs)},
      {"require-all-features", false,
       flag(&chaos_options::require_all_features)},
      {"self-test", false, flag(&chaos_options::self_test)},
      {"log-dir", true,
       [](chaos_options& o, const std::string& text) {
         o.log_dir = text;
         return text.empty() ? std::string{"--log-dir must not be empty"}
                             : std::string{};
       }},
  };
  return all;
}

const option_spec* find_spec(const std::string& name) {
  for (const auto& spec : specs())
    if (name == spec.name) return &spec;
  return nullptr;
}

// Runs when no --seed was given: the seed is printed, so the run can still
// be replayed.
std::uint64_t fresh_seed() {
  std::random_device device;
  return ((std::uint64_t{device()} << 32) | device()) % 1'000'000'000;
}

}  // namespace

const char* usage() {
  return "usage: chaos [--rounds N] [--seed S] [--checkouts 300]\n"
         "             [--orders-per-checkout 3] [--concurrency 64]\n"
         "             [--kills 3] [--pg-restarts 1] [--quiesce-timeout-s 120]\n"
         "             [--faults none|moderate|heavy] [--keep-logs]\n"
         "             [--require-all-features] [--log-dir DIR]\n"
         "       chaos --self-test [--log-dir DIR]\n"
         "Environment: DATABASE_URL (superuser URL; a fresh database per\n"
         "round), CHAOS_PG_RESTART (shell command restarting that cluster;\n"
         "needed unless --pg-restarts 0), CHAOS_LOG_DIR, PAYMENTS_BIN_DIR.\n"
         "Round r runs with seed S + r; replay it with --rounds 1 --seed S+r.\n";
}

parse_result parse_options(int argc, const char* const* argv) {
  parse_result out;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      out.help = true;
      return out;
    }
    if (arg.rfind("--", 0) != 0) {
      out.error = "unexpected argument '" + arg + "'";
      return out;
    }
    std::string name = arg.substr(2), value;
    const auto eq = name.find('=');
    const bool inline_value = eq != std::string::npos;
    if (inline_value) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    const auto* spec = find_spec(name);
    if (!spec) {
      out.error = "unknown option --" + name;
      return out;
    }
    if (spec->takes_value && !inline_value) {
      if (i + 1 >= argc) {
        out.error = "--" + name + " needs a value";
        return out;
      }
      value = argv[++i];
    } else if (!spec->takes_value && inline_value) {
      out.error = "--" + name + " takes no value";
      return out;
    }
    if (auto err = spec->set(out.options, value); !err.empty()) {
      out.error = "--" + name + ": " + err;
      return out;
    }
  }
  if (!out.options.seed_given) out.options.seed = fresh_seed();
  if (out.options.log_dir.empty()) {
    const char* env = std::getenv("CHAOS_LOG_DIR");
    out.options.log_dir = env && *env ? env : "chaos-logs";
  }
  return out;
}

}  // namespace pay::chaos
