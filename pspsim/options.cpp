#include "pspsim/options.hpp"

#include "pspsim/webhook_endpoint.hpp"

#include <charconv>
#include <string_view>

namespace pay::pspsim {
namespace {

// A whole decimal number in [min, max], nothing else.
template <class T>
bool parse_number(std::string_view text, T min, T max, T& out) {
  unsigned long long value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || ptr != end) return false;
  if (value < static_cast<unsigned long long>(min)
      || value > static_cast<unsigned long long>(max)) {
    return false;
  }
  out = static_cast<T>(value);
  return true;
}

// Applies one setting by its option name (without the leading "--").
// Returns an error message, empty on success.
std::string apply(options& o, std::string_view name, std::string_view value) {
  const auto bad = [&](std::string_view range) {
    return "invalid value '" + std::string(value) + "' for " + std::string(name)
           + " (expected " + std::string(range) + ")";
  };
  if (name == "address") {
    if (value.empty()) return bad("an IP address");
    o.address = std::string(value);
  } else if (name == "port") {
    if (!parse_number<std::uint16_t>(value, 0, 65535, o.port))
      return bad("0..65535");
  } else if (name == "api-key") {
    if (value.empty()) return bad("a non-empty key");
    o.api_key = std::string(value);
  } else if (name == "latency-ms") {
    if (!parse_number<std::uint32_t>(value, 0, latency_ms_max, o.latency_ms)) {
      return bad("0..600000");
    }
  } else if (name == "processing-ms") {
    if (!parse_number<std::uint32_t>(value, 0, processing_ms_max,
                                     o.processing_ms)) {
      return bad("0..3600000");
    }
  } else if (name == "threads") {
    if (!parse_number<unsigned>(value, 1, threads_max, o.threads))
      return bad("1..64");
  } else if (name == "intents-max") {
    if (!parse_number<std::size_t>(value, 1, intents_max_limit,
                                   o.intents_max)) {
      return bad("1..100000000");
    }
  } else if (name == "three-ds-ms") {
    if (!parse_number<std::uint32_t>(value, 0, processing_ms_max,
                                     o.three_ds_ms)) {
      return bad("0..3600000");
    }
  } else if (name == "three-ds-outcome") {
    if (value != "succeed" && value != "fail") return bad("succeed or fail");
    o.three_ds_succeeds = value == "succeed";
  } else if (name == "review-ms") {
    if (!parse_number<std::uint32_t>(value, 0, processing_ms_max,
                                     o.review_ms)) {
      return bad("0..3600000");
    }
  } else if (name == "tls-cert") {
    o.tls_cert = std::string(value);
  } else if (name == "tls-key") {
    o.tls_key = std::string(value);
  } else if (name == "webhook-url") {
    if (!value.empty() && !parse_webhook_endpoint(value)) {
      return bad("empty or http(s)://host[:port][/path]");
    }
    o.webhook_url = std::string(value);
  } else if (name == "webhook-ca-file") {
    o.webhook_ca_file = std::string(value);
  } else if (name == "webhook-secret") {
    if (value.empty()) return bad("a non-empty secret");
    o.webhook_secret = std::string(value);
  } else if (name == "webhook-backoff-base-ms") {
    if (!parse_number<std::uint32_t>(value, 1, webhook_backoff_ms_max,
                                     o.webhook_backoff_base_ms)) {
      return bad("1..3600000");
    }
  } else if (name == "webhook-backoff-max-ms") {
    if (!parse_number<std::uint32_t>(value, 1, webhook_backoff_ms_max,
                                     o.webhook_backoff_max_ms)) {
      return bad("1..3600000");
    }
  } else if (name == "webhook-concurrency") {
    if (!parse_number<unsigned>(value, 1, webhook_concurrency_max,
                                o.webhook_concurrency)) {
      return bad("1..256");
    }
  } else if (name == "fee-rate-bps") {
    if (!parse_number<std::uint32_t>(value, 0, domain::fee_rate_bps_max,
                                     o.settlement.fees.rate_bps)) {
      return bad("0..10000");
    }
  } else if (name == "fee-fixed-minor") {
    if (!parse_number<std::int64_t>(value, 0, fee_minor_max,
                                    o.settlement.fees.fixed_minor)) {
      return bad("0..1000000000");
    }
  } else if (name == "payout-fee-minor") {
    if (!parse_number<std::int64_t>(value, 0, fee_minor_max,
                                    o.settlement.payout_fee_minor)) {
      return bad("0..1000000000");
    }
  } else if (name == "payout-ms") {
    if (!parse_number<std::uint32_t>(value, 0, processing_ms_max,
                                     o.payout_ms)) {
      return bad("0..3600000");
    }
  } else if (name == "idempotency-key-ttl-s") {
    if (!parse_number<std::int64_t>(value, 1, lifetime_s_max,
                                    o.idempotency_key_ttl_s)) {
      return bad("1..31536000");
    }
  } else if (name == "session-expiry-s") {
    if (!parse_number<std::int64_t>(value, 1, lifetime_s_max,
                                    o.session_expiry_s)) {
      return bad("1..31536000");
    }
  } else if (name == "refund-pending-ms") {
    if (!parse_number<std::uint32_t>(value, 0, processing_ms_max,
                                     o.refund_pending_ms)) {
      return bad("0..3600000");
    }
  } else if (name == "capture-window-s") {
    if (!parse_number<std::int64_t>(value, 1, lifetime_s_max,
                                    o.capture_window_s)) {
      return bad("1..31536000");
    }
  } else if (name == "action-expiry-s") {
    if (!parse_number<std::int64_t>(value, 1, lifetime_s_max,
                                    o.action_expiry_s)) {
      return bad("1..31536000");
    }
  } else if (name == "merchant-name") {
    if (value.empty() || value.size() > merchant_name_chars_max) {
      return bad("1..100 characters");
    }
    o.merchant_name = std::string(value);
  } else if (name == "faults") {
    auto parsed = parse_fault_config(value);
    if (!parsed.config) {
      const auto& e = parsed.error;
      return "invalid value for faults: " + e.message
             + (e.param.empty() ? "" : " (field " + e.param + ")");
    }
    o.faults = *parsed.config;
  } else {
    return "unknown option --" + std::string(name);
  }
  return {};
}

struct env_binding {
  const char* variable;
  const char* option;
};
constexpr env_binding env_bindings[] = {
  {"PSPSIM_ADDRESS", "address"},
  {"PSPSIM_PORT", "port"},
  {"PSPSIM_API_KEY", "api-key"},
  {"PSPSIM_LATENCY_MS", "latency-ms"},
  {"PSPSIM_PROCESSING_MS", "processing-ms"},
  {"PSPSIM_THREADS", "threads"},
  {"PSPSIM_INTENTS_MAX", "intents-max"},
  {"PSPSIM_FAULTS", "faults"},
  {"PSPSIM_THREE_DS_MS", "three-ds-ms"},
  {"PSPSIM_THREE_DS_OUTCOME", "three-ds-outcome"},
  {"PSPSIM_REVIEW_MS", "review-ms"},
  {"PSPSIM_TLS_CERT", "tls-cert"},
  {"PSPSIM_TLS_KEY", "tls-key"},
  {"PSPSIM_WEBHOOK_URL", "webhook-url"},
  {"PSPSIM_WEBHOOK_CA_FILE", "webhook-ca-file"},
  {"PSPSIM_WEBHOOK_SECRET", "webhook-secret"},
  {"PSPSIM_WEBHOOK_BACKOFF_BASE_MS", "webhook-backoff-base-ms"},
  {"PSPSIM_WEBHOOK_BACKOFF_MAX_MS", "webhook-backoff-max-ms"},
  {"PSPSIM_WEBHOOK_CONCURRENCY", "webhook-concurrency"},
  {"PSPSIM_FEE_RATE_BPS", "fee-rate-bps"},
  {"PSPSIM_FEE_FIXED_MINOR", "fee-fixed-minor"},
  {"PSPSIM_PAYOUT_FEE_MINOR", "payout-fee-minor"},
  {"PSPSIM_PAYOUT_MS", "payout-ms"},
  {"PSPSIM_IDEMPOTENCY_KEY_TTL_S", "idempotency-key-ttl-s"},
  {"PSPSIM_SESSION_EXPIRY_S", "session-expiry-s"},
  {"PSPSIM_REFUND_PENDING_MS", "refund-pending-ms"},
  {"PSPSIM_CAPTURE_WINDOW_S", "capture-window-s"},
  {"PSPSIM_ACTION_EXPIRY_S", "action-expiry-s"},
  {"PSPSIM_MERCHANT_NAME", "merchant-name"},
};

// Rules across options, checked once every source has been applied.
std::string check_combination(const options& o) {
  if (o.tls_cert.empty() != o.tls_key.empty()) {
    return "--tls-cert and --tls-key must be given together";
  }
  return {};
}

}  // namespace

options_result parse_options(int argc, const char* const* argv,
                             const getenv_fn& getenv) {
  options_result result;
  for (const auto& binding : env_bindings) {
    const char* value = getenv(binding.variable);
    if (value == nullptr) continue;
    result.error = apply(result.opts, binding.option, value);
    if (!result.error.empty()) {
      result.error = std::string(binding.variable) + ": " + result.error;
      return result;
    }
  }
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      result.help = true;
      return result;
    }
    if (arg.substr(0, 2) != "--") {
      result.error = "unexpected argument '" + std::string(arg) + "'";
      return result;
    }
    arg.remove_prefix(2);
    std::string_view name = arg;
    std::string_view value;
    if (const auto eq = arg.find('='); eq != std::string_view::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      result.error = "missing value for --" + std::string(name);
      return result;
    }
    result.error = apply(result.opts, name, value);
    if (!result.error.empty()) return result;
  }
  result.error = check_combination(result.opts);
  return result;
}

std::string usage() {
  return "usage: pspsim [options]\n"
         "  --address ADDR       listen address (PSPSIM_ADDRESS, 127.0.0.1)\n"
         "  --port N             listen port, 0 = any free (PSPSIM_PORT, 8090)\n"
         "  --api-key KEY        accepted Bearer key (PSPSIM_API_KEY, "
         "sk_test_pspsim)\n"
         "  --latency-ms N       delay before each /v1 answer (PSPSIM_LATENCY_MS, 0)\n"
         "  --processing-ms N    pm_card_processing settles after N ms "
         "(PSPSIM_PROCESSING_MS, 1000)\n"
         "  --threads N          server threads (PSPSIM_THREADS, 2)\n"
         "  --intents-max N      intents kept before answering 503 "
         "(PSPSIM_INTENTS_MAX, 2000000)\n"
         "  --faults JSON        fault injection, as POST /sim/faults "
         "(PSPSIM_FAULTS, off)\n"
         "  --three-ds-ms N      pm_card_threeDSecureRequired resolves after N ms "
         "(PSPSIM_THREE_DS_MS, 2000)\n"
         "  --three-ds-outcome X succeed|fail: how it resolves "
         "(PSPSIM_THREE_DS_OUTCOME, succeed)\n"
         "  --review-ms N        pm_card_review is approved after N ms "
         "(PSPSIM_REVIEW_MS, 3000)\n"
         "  --tls-cert FILE      PEM certificate chain: serve HTTPS only "
         "(PSPSIM_TLS_CERT; with --tls-key)\n"
         "  --tls-key FILE       PEM private key of --tls-cert "
         "(PSPSIM_TLS_KEY)\n"
         "  --webhook-url URL    POST signed events there, http or https; "
         "empty = none (PSPSIM_WEBHOOK_URL)\n"
         "  --webhook-ca-file F  CA file verifying an https webhook URL, "
         "empty = system CAs (PSPSIM_WEBHOOK_CA_FILE)\n"
         "  --webhook-secret S   signing secret (PSPSIM_WEBHOOK_SECRET, "
         "whsec_pspsim)\n"
         "  --webhook-backoff-base-ms N  first retry delay "
         "(PSPSIM_WEBHOOK_BACKOFF_BASE_MS, 500)\n"
         "  --webhook-backoff-max-ms N   retry delay cap "
         "(PSPSIM_WEBHOOK_BACKOFF_MAX_MS, 30000)\n"
         "  --webhook-concurrency N      deliveries in flight at most "
         "(PSPSIM_WEBHOOK_CONCURRENCY, 8)\n"
         "  --fee-rate-bps N     agreed fee rate on charges, basis points "
         "(PSPSIM_FEE_RATE_BPS, 290)\n"
         "  --fee-fixed-minor N  agreed fixed fee per charge, minor units "
         "(PSPSIM_FEE_FIXED_MINOR, 30)\n"
         "  --payout-fee-minor N fee per paid payout, minor units "
         "(PSPSIM_PAYOUT_FEE_MINOR, 25)\n"
         "  --payout-ms N        a payout is paid (or fails) N ms after creation "
         "(PSPSIM_PAYOUT_MS, 500)\n"
         "  --idempotency-key-ttl-s N  an Idempotency-Key is forgotten N s "
         "after first use (PSPSIM_IDEMPOTENCY_KEY_TTL_S, 86400)\n"
         "  --session-expiry-s N checkout sessions expire N s after creation "
         "(PSPSIM_SESSION_EXPIRY_S, 86400)\n"
         "  --refund-pending-ms N  refunds stay pending N ms, 0 = succeed at "
         "once (PSPSIM_REFUND_PENDING_MS, 0)\n"
         "  --capture-window-s N an uncaptured authorization is canceled N s "
         "after it (PSPSIM_CAPTURE_WINDOW_S, 604800)\n"
         "  --action-expiry-s N  a requires_action intent is canceled N s "
         "after creation (PSPSIM_ACTION_EXPIRY_S, 86400)\n"
         "  --merchant-name S    the name the hosted pages show "
         "(PSPSIM_MERCHANT_NAME, Marketplace)\n"
         "  --help               this text\n";
}

}  // namespace pay::pspsim
