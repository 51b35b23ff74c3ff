#include "tools/chaos/paymentd_env.hpp"

namespace pay::chaos {

namespace {

constexpr const char* psp_api_key = "sk_test_pspsim";

}  // namespace

std::map<std::string, std::string> paymentd_environment(
  const stack_options& options, const std::string& database_url,
  std::uint16_t pspsim_port) {
  const auto ms = [](std::uint32_t v) { return std::to_string(v); };
  std::map<std::string, std::string> env = {
    {"DATABASE_URL", database_url},
    {"PAYMENTD_HTTP_PORT", "0"},
    {"PSP_BASE_URL", "http://127.0.0.1:" + std::to_string(pspsim_port)},
    {"PSP_API_KEY", psp_api_key},
    {"PAYMENTD_LOG_LEVEL", "info"},
    {"PAYMENTD_PSP_REQUEST_TIMEOUT_MS", ms(options.psp_request_timeout_ms)},
    {"PAYMENTD_PSP_CONNECT_TIMEOUT_MS", ms(options.psp_connect_timeout_ms)},
    {"PAYMENTD_PSP_RETRY_BASE_MS", ms(options.psp_retry_base_ms)},
    {"PAYMENTD_PSP_RETRY_DELAY_MS_MAX", ms(options.psp_retry_delay_ms_max)},
    {"PAYMENTD_PSP_RETRY_ATTEMPTS_MAX", ms(options.psp_retry_attempts_max)},
    {"PAYMENTD_PSP_RETRY_DEADLINE_MS", ms(options.psp_retry_deadline_ms)},
    {"PAYMENTD_PSP_PROCESSING_POLL_MS", "100"},
    {"PAYMENTD_STORE_REQUEST_TIMEOUT_MS", ms(options.store_request_timeout_ms)},
    {"PAYMENTD_WATCHDOG_INTERVAL_MS", ms(options.watchdog_interval_ms)},
    {"PAYMENTD_WATCHDOG_STUCK_AFTER_MS", ms(options.watchdog_stuck_after_ms)},
    {"PAYMENTD_BOOTSTRAP_ADMIN_KEY", options.admin_key},
    // Limits off: the clients send as fast as they can on purpose, and a
    // 429 would be a refusal the checks do not expect, not a fault.
    {"PAYMENTD_RATE_CREATE_PER_S", "0"},
    {"PAYMENTD_RATE_READ_PER_S", "0"},
    {"PAYMENTD_RATE_ADMIN_PER_S", "0"},
    {"PAYMENTD_RATE_OPEN_PER_S", "0"},
    {"PAYMENTD_RATE_AUTH_FAILURES_PER_S", "0"},
    // Pay-outs only when the chaos clients ask (POST /admin/payouts/run),
    // released as soon as fulfilled and settled; reconciliation likewise.
    {"PAYMENTD_PAYOUTS_HOLD_S", "0"},
    {"PAYMENTD_PAYOUTS_INTERVAL_S", "0"},
    {"PAYMENTD_RECONCILE_DAILY_AT", "off"},
    // Authorizations nobody fulfils are voided by the engine within the
    // round, racing the clients that fulfil or cancel them.
    {"PAYMENTD_CAPTURE_AUTHORIZATION_HOLD_MS", "4000"},
    {"PAYMENTD_ORDERS_WAKE_INTERVAL_MS", "200"},
  };
  if (options.psp_key_trust_s > 0)
    env["PAYMENTD_PSP_IDEMPOTENCY_KEY_TRUST_S"] = ms(options.psp_key_trust_s);
  return env;
}

}  // namespace pay::chaos
