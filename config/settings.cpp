#include "config/settings.hpp"

#include "config/risk_settings.hpp"
#include "domain/common/ids.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <limits>
#include <sstream>
#include <vector>

namespace pay {

namespace {

using setter = std::function<std::string(settings&, const std::string&)>;

// Empty string on success; the parsed value lands in `value`.
std::string parse_unsigned(const std::string& text, std::uint64_t min,
                           std::uint64_t max, std::uint64_t& value) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(),
                                   value);
  if (ec != std::errc{} || end != text.data() + text.size())
    return "not a whole number: '" + text + "'";
  if (value < min || value > max)
    return "out of range [" + std::to_string(min) + ", " + std::to_string(max)
           + "]: " + text;
  return {};
}

template <class T>
setter unsigned_field(T settings::*field, std::uint64_t min,
                      std::uint64_t max) {
  return [=](settings& s, const std::string& text) -> std::string {
    std::uint64_t value = 0;
    auto err = parse_unsigned(text, min, max, value);
    if (err.empty()) s.*field = static_cast<T>(value);
    return err;
  };
}

setter retry_field(std::uint32_t domain::backoff_policy::*field,
                   std::uint64_t min, std::uint64_t max) {
  return [=](settings& s, const std::string& text) -> std::string {
    std::uint64_t value = 0;
    auto err = parse_unsigned(text, min, max, value);
    if (err.empty()) s.psp_retry.*field = static_cast<std::uint32_t>(value);
    return err;
  };
}

setter string_field(std::string settings::*field) {
  return [=](settings& s, const std::string& text) -> std::string {
    s.*field = text;
    return {};
  };
}

setter bool_field(bool settings::*field) {
  return [=](settings& s, const std::string& text) -> std::string {
    if (text == "true" || text == "on" || text == "1") {
      s.*field = true;
    } else if (text == "false" || text == "off" || text == "0") {
      s.*field = false;
    } else {
      return "not true or false: '" + text + "'";
    }
    return {};
  };
}

setter card_rules_field() {
  return [](settings& s, const std::string& text) -> std::string {
    std::string error;
    auto rules = domain::parse_card_rules(text, error);
    if (rules) s.card_rules = std::move(*rules);
    return error;
  };
}

struct key_spec {
  const char* key;
  const char* env;
  setter set;
};

const std::vector<key_spec>& keys() {
  constexpr std::uint64_t u32 = std::numeric_limits<std::uint32_t>::max();
  static const std::vector<key_spec> all = [] {
    std::vector<key_spec> specs = {
      {"http.address", "PAYMENTD_HTTP_ADDRESS",
       string_field(&settings::http_address)},
      {"http.port", "PAYMENTD_HTTP_PORT",
       unsigned_field(&settings::http_port, 0, 65535)},
      {"http.threads", "PAYMENTD_HTTP_THREADS",
       unsigned_field(&settings::http_threads, 1, 64)},
      {"http.body_bytes_max", "PAYMENTD_HTTP_BODY_BYTES_MAX",
       unsigned_field(&settings::http_body_bytes_max, 1024, 64 << 20)},
      {"http.read_timeout_ms", "PAYMENTD_HTTP_READ_TIMEOUT_MS",
       unsigned_field(&settings::http_read_timeout_ms, 100, u32)},
      {"http.header_timeout_ms", "PAYMENTD_HTTP_HEADER_TIMEOUT_MS",
       unsigned_field(&settings::http_header_timeout_ms, 100, u32)},
      {"http.header_bytes_max", "PAYMENTD_HTTP_HEADER_BYTES_MAX",
       unsigned_field(&settings::http_header_bytes_max, 1024, 1 << 20)},
      {"http.header_count_max", "PAYMENTD_HTTP_HEADER_COUNT_MAX",
       unsigned_field(&settings::http_header_count_max, 8, 10'000)},
      {"http.request_line_bytes_max", "PAYMENTD_HTTP_REQUEST_LINE_BYTES_MAX",
       unsigned_field(&settings::http_request_line_bytes_max, 256, 1 << 20)},
      {"http.connections_max", "PAYMENTD_HTTP_CONNECTIONS_MAX",
       unsigned_field(&settings::http_connections_max, 1, 1'000'000)},
      {"http.tls_cert", "PAYMENTD_HTTP_TLS_CERT",
       string_field(&settings::http_tls_cert)},
      {"http.tls_key", "PAYMENTD_HTTP_TLS_KEY",
       string_field(&settings::http_tls_key)},
      {"http.plain_port", "PAYMENTD_HTTP_PLAIN_PORT",
       unsigned_field(&settings::http_plain_port, 0, 65535)},
      {"database.url", "DATABASE_URL", string_field(&settings::database_url)},
      {"database.connections", "PAYMENTD_DATABASE_CONNECTIONS",
       unsigned_field(&settings::database_connections, 0, 64)},
      {"store.batch_size_max", "PAYMENTD_STORE_BATCH_SIZE_MAX",
       unsigned_field(&settings::store_batch_size_max, 1, 10'000)},
      {"store.request_timeout_ms", "PAYMENTD_STORE_REQUEST_TIMEOUT_MS",
       unsigned_field(&settings::store_request_timeout_ms, 100, u32)},
      {"admission.connections", "PAYMENTD_ADMISSION_CONNECTIONS",
       unsigned_field(&settings::admission_connections, 1, 16)},
      {"admission.backlog_max", "PAYMENTD_ADMISSION_BACKLOG_MAX",
       unsigned_field(&settings::admission_backlog_max, 1, u32)},
      {"admission.retry_after_s", "PAYMENTD_ADMISSION_RETRY_AFTER_S",
       unsigned_field(&settings::admission_retry_after_s, 1, 3600)},
      {"orders.passivate_after_ms", "PAYMENTD_ORDERS_PASSIVATE_AFTER_MS",
       unsigned_field(&settings::passivate_after_ms, 0, u32)},
      {"capture.authorization_hold_ms",
       "PAYMENTD_CAPTURE_AUTHORIZATION_HOLD_MS",
       unsigned_field(&settings::authorization_hold_ms, 1000, u32)},
      {"risk.card_rules", "PAYMENTD_RISK_CARD_RULES", card_rules_field()},
      {"orders.wake_interval_ms", "PAYMENTD_ORDERS_WAKE_INTERVAL_MS",
       unsigned_field(&settings::wake_interval_ms, 10, u32)},
      {"orders.wake_batch_max", "PAYMENTD_ORDERS_WAKE_BATCH_MAX",
       unsigned_field(&settings::wake_batch_max, 1, 100'000)},
      {"psp.base_url", "PSP_BASE_URL", string_field(&settings::psp_base_url)},
      {"psp.api_key", "PSP_API_KEY", string_field(&settings::psp_api_key)},
      {"psp.ca_file", "PSP_CA_FILE", string_field(&settings::psp_ca_file)},
      {"psp.stripe_version", "PSP_STRIPE_VERSION",
       string_field(&settings::psp_stripe_version)},
      {"psp.idempotency_key_trust_s", "PAYMENTD_PSP_IDEMPOTENCY_KEY_TRUST_S",
       unsigned_field(&settings::psp_idempotency_key_trust_s, 0, u32)},
      {"psp.connections_max", "PAYMENTD_PSP_CONNECTIONS_MAX",
       unsigned_field(&settings::psp_connections_max, 1, 4096)},
      {"psp.connect_timeout_ms", "PAYMENTD_PSP_CONNECT_TIMEOUT_MS",
       unsigned_field(&settings::psp_connect_timeout_ms, 10, u32)},
      {"psp.request_timeout_ms", "PAYMENTD_PSP_REQUEST_TIMEOUT_MS",
       unsigned_field(&settings::psp_request_timeout_ms, 10, u32)},
      {"psp.retry_base_ms", "PAYMENTD_PSP_RETRY_BASE_MS",
       retry_field(&domain::backoff_policy::base_ms, 1, u32)},
      {"psp.retry_delay_ms_max", "PAYMENTD_PSP_RETRY_DELAY_MS_MAX",
       retry_field(&domain::backoff_policy::delay_ms_max, 1, u32)},
      {"psp.retry_attempts_max", "PAYMENTD_PSP_RETRY_ATTEMPTS_MAX",
       retry_field(&domain::backoff_policy::attempts_max, 1, 1000)},
      {"psp.retry_deadline_ms", "PAYMENTD_PSP_RETRY_DEADLINE_MS",
       unsigned_field(&settings::psp_retry_deadline_ms, 1, u32)},
      {"psp.processing_poll_ms", "PAYMENTD_PSP_PROCESSING_POLL_MS",
       unsigned_field(&settings::processing_poll_ms, 10, u32)},
      {"psp.pending_poll_max_ms", "PAYMENTD_PSP_PENDING_POLL_MAX_MS",
       unsigned_field(&settings::pending_poll_max_ms, 10, u32)},
      {"psp.webhook_secrets", "PSP_WEBHOOK_SECRETS",
       string_field(&settings::psp_webhook_secrets)},
      {"psp.webhook_tolerance_s", "PAYMENTD_PSP_WEBHOOK_TOLERANCE_S",
       unsigned_field(&settings::webhook_tolerance_s, 1, 3600)},
      {"api.orders_per_checkout_max", "PAYMENTD_API_ORDERS_PER_CHECKOUT_MAX",
       unsigned_field(&settings::orders_per_checkout_max, 1, 10'000)},
      {"api.wait_s_max", "PAYMENTD_API_WAIT_S_MAX",
       unsigned_field(&settings::wait_s_max, 0, 600)},
      {"api.buyer_info_bytes_max", "PAYMENTD_API_BUYER_INFO_BYTES_MAX",
       unsigned_field(&settings::buyer_info_bytes_max, 64, 1 << 20)},
      {"api.buyer_info_keys_max", "PAYMENTD_API_BUYER_INFO_KEYS_MAX",
       unsigned_field(&settings::buyer_info_keys_max, 1, 1'000)},
      {"api.idempotency_ttl_s", "PAYMENTD_API_IDEMPOTENCY_TTL_S",
       unsigned_field(&settings::idempotency_ttl_s, 60, 30 * 86'400)},
      {"api.open_checkouts_per_account_max",
       "PAYMENTD_API_OPEN_CHECKOUTS_PER_ACCOUNT_MAX",
       unsigned_field(&settings::open_checkouts_per_account_max, 0, u32)},
      {"api.open_checkouts_refresh_ms",
       "PAYMENTD_API_OPEN_CHECKOUTS_REFRESH_MS",
       unsigned_field(&settings::open_checkouts_refresh_ms, 100, 60'000)},
      {"auth.bootstrap_admin_key", "PAYMENTD_BOOTSTRAP_ADMIN_KEY",
       string_field(&settings::bootstrap_admin_key)},
      {"auth.keys_refresh_ms", "PAYMENTD_AUTH_KEYS_REFRESH_MS",
       unsigned_field(&settings::keys_refresh_ms, 50, 600'000)},
      {"auth.metrics_public", "PAYMENTD_AUTH_METRICS_PUBLIC",
       bool_field(&settings::metrics_public)},
      {"rate.create_per_s", "PAYMENTD_RATE_CREATE_PER_S",
       unsigned_field(&settings::rate_create_per_s, 0, u32)},
      {"rate.create_burst", "PAYMENTD_RATE_CREATE_BURST",
       unsigned_field(&settings::rate_create_burst, 1, u32)},
      {"rate.read_per_s", "PAYMENTD_RATE_READ_PER_S",
       unsigned_field(&settings::rate_read_per_s, 0, u32)},
      {"rate.read_burst", "PAYMENTD_RATE_READ_BURST",
       unsigned_field(&settings::rate_read_burst, 1, u32)},
      {"rate.admin_per_s", "PAYMENTD_RATE_ADMIN_PER_S",
       unsigned_field(&settings::rate_admin_per_s, 0, u32)},
      {"rate.admin_burst", "PAYMENTD_RATE_ADMIN_BURST",
       unsigned_field(&settings::rate_admin_burst, 1, u32)},
      {"rate.open_per_s", "PAYMENTD_RATE_OPEN_PER_S",
       unsigned_field(&settings::rate_open_per_s, 0, u32)},
      {"rate.open_burst", "PAYMENTD_RATE_OPEN_BURST",
       unsigned_field(&settings::rate_open_burst, 1, u32)},
      {"rate.auth_failures_per_s", "PAYMENTD_RATE_AUTH_FAILURES_PER_S",
       unsigned_field(&settings::rate_auth_failures_per_s, 0, u32)},
      {"rate.auth_failures_burst", "PAYMENTD_RATE_AUTH_FAILURES_BURST",
       unsigned_field(&settings::rate_auth_failures_burst, 1, u32)},
      {"api.waits_per_key_max", "PAYMENTD_API_WAITS_PER_KEY_MAX",
       unsigned_field(&settings::waits_per_key_max, 0, 1'000'000)},
      {"api.waits_max", "PAYMENTD_API_WAITS_MAX",
       unsigned_field(&settings::waits_max, 0, 1'000'000)},
      {"log.level", "PAYMENTD_LOG_LEVEL", string_field(&settings::log_level)},
      {"log.format", "PAYMENTD_LOG_FORMAT",
       string_field(&settings::log_format)},
      {"log.file", "PAYMENTD_LOG_FILE", string_field(&settings::log_file)},
      {"log.file_bytes_max", "PAYMENTD_LOG_FILE_BYTES_MAX",
       unsigned_field(&settings::log_file_bytes_max, 4096, u32)},
      {"log.files_max", "PAYMENTD_LOG_FILES_MAX",
       unsigned_field(&settings::log_files_max, 1, 1000)},
      {"actors.threads", "PAYMENTD_ACTORS_THREADS",
       unsigned_field(&settings::actor_threads, 0, 256)},
      {"actors.scheduler", "PAYMENTD_ACTORS_SCHEDULER",
       string_field(&settings::actor_scheduler)},
      {"recovery.batch_max", "PAYMENTD_RECOVERY_BATCH_MAX",
       unsigned_field(&settings::recovery_batch_max, 1, 1'000'000)},
      {"watchdog.interval_ms", "PAYMENTD_WATCHDOG_INTERVAL_MS",
       unsigned_field(&settings::watchdog_interval_ms, 10, u32)},
      {"watchdog.stuck_after_ms", "PAYMENTD_WATCHDOG_STUCK_AFTER_MS",
       unsigned_field(&settings::watchdog_stuck_after_ms, 10, u32)},
      {"supervision.restarts_max", "PAYMENTD_RESTARTS_MAX",
       unsigned_field(&settings::restarts_max, 0, 1000)},
      {"payouts.interval_s", "PAYMENTD_PAYOUTS_INTERVAL_S",
       unsigned_field(&settings::payout_interval_s, 0, 7 * 24 * 3600)},
      {"payouts.hold_s", "PAYMENTD_PAYOUTS_HOLD_S",
       unsigned_field(&settings::payout_hold_s, 0, 365 * 24 * 3600)},
      {"payouts.minimum_minor", "PAYMENTD_PAYOUTS_MINIMUM_MINOR",
       unsigned_field(&settings::payout_minimum_minor, 1, 99'999'999'999)},
      {"payouts.read_connections", "PAYMENTD_PAYOUTS_READ_CONNECTIONS",
       unsigned_field(&settings::payout_read_connections, 1, 16)},
      {"connect.default_country", "PAYMENTD_CONNECT_DEFAULT_COUNTRY",
       string_field(&settings::connect_default_country)},
      {"reconcile.daily_at", "PAYMENTD_RECONCILE_DAILY_AT",
       string_field(&settings::reconcile_daily_at)},
      {"reconcile.source", "PAYMENTD_RECONCILE_SOURCE",
       string_field(&settings::reconcile_source)},
      {"reconcile.fee_rate_bps", "PAYMENTD_RECONCILE_FEE_RATE_BPS",
       unsigned_field(&settings::fee_rate_bps, 0, 10'000)},
      {"reconcile.fee_fixed_minor", "PAYMENTD_RECONCILE_FEE_FIXED_MINOR",
       unsigned_field(&settings::fee_fixed_minor, 0, 1'000'000)},
      {"cluster.node_id", "PAYMENTD_NODE_ID",
       string_field(&settings::cluster_node_id)},
      {"cluster.advertise_url", "PAYMENTD_ADVERTISE_URL",
       string_field(&settings::cluster_advertise_url)},
      {"cluster.lease_ms", "PAYMENTD_CLUSTER_LEASE_MS",
       unsigned_field(&settings::cluster_lease_ms, 500, 600'000)},
      {"cluster.renew_ms", "PAYMENTD_CLUSTER_RENEW_MS",
       unsigned_field(&settings::cluster_renew_ms, 100, 600'000)},
      {"cluster.takeover_interval_ms", "PAYMENTD_CLUSTER_TAKEOVER_INTERVAL_MS",
       unsigned_field(&settings::cluster_takeover_interval_ms, 100, 600'000)},
      {"cluster.takeover_batch_max", "PAYMENTD_CLUSTER_TAKEOVER_BATCH_MAX",
       unsigned_field(&settings::cluster_takeover_batch_max, 1, 100'000)},
    };
    append_risk_keys(specs, &settings::risk);
    return specs;
  }();
  return all;
}

std::string trim(const std::string& s) {
  auto begin = s.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return {};
  auto end = s.find_last_not_of(" \t\r");
  return s.substr(begin, end - begin + 1);
}

const key_spec* find_key(const std::string& key) {
  for (const auto& spec : keys())
    if (key == spec.key) return &spec;
  return nullptr;
}

bool valid_node_id(const std::string& id) {
  if (id.size() > 64) return false;
  for (char c : id)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.'
        && c != '-')
      return false;
  return true;
}

bool is_daily_time(const std::string& text) {
  return text == "off" || daily_minute_utc(text).has_value();
}

std::string validate(const settings& s) {
  if (s.database_url.empty()) return "database.url (DATABASE_URL) is required";
  if (s.psp_retry.base_ms > s.psp_retry.delay_ms_max)
    return "psp.retry_base_ms must not exceed psp.retry_delay_ms_max";
  if (s.log_level != "trace" && s.log_level != "debug" && s.log_level != "info"
      && s.log_level != "warn" && s.log_level != "error")
    return "log.level must be one of trace, debug, info, warn, error";
  if (s.actor_scheduler != "sharing" && s.actor_scheduler != "stealing")
    return "actors.scheduler must be sharing or stealing";
  if (s.log_format != "json" && s.log_format != "text")
    return "log.format must be json or text";
  if (s.http_tls_cert.empty() != s.http_tls_key.empty())
    return "http.tls_cert and http.tls_key must be set together";
  if (s.http_plain_port != 0 && s.http_tls_cert.empty())
    return "http.plain_port needs TLS on http.port (http.tls_cert, http.tls_key)";
  if (!is_daily_time(s.reconcile_daily_at))
    return "reconcile.daily_at must be HH:MM (UTC, 00:00 .. 23:59) or off";
  if (s.reconcile_source != "balance_transactions"
      && s.reconcile_source != "settlement_csv")
    return "reconcile.source must be balance_transactions or settlement_csv";
  if (s.psp_stripe_version.empty())
    return "psp.stripe_version must name a Stripe API version (YYYY-MM-DD)";
  if (!domain::is_country_code(s.connect_default_country))
    return "connect.default_country must be two uppercase letters (ISO 3166-1)";
  if (auto err = validate_risk_rules(s.risk); !err.empty()) return err;
  if (!s.cluster_node_id.empty() && !valid_node_id(s.cluster_node_id))
    return "cluster.node_id must be 1 to 64 of A-Z a-z 0-9 _ . -";
  // A lease renewed less than twice per lifetime expires on one slow
  // renewal.
  if (s.cluster_renew_ms * 2 > s.cluster_lease_ms)
    return "cluster.renew_ms must be at most half of cluster.lease_ms";
  return {};
}

}  // namespace

std::optional<std::uint32_t> daily_minute_utc(std::string_view hh_mm) {
  auto digit = [&](std::size_t i) {
    return hh_mm[i] >= '0' && hh_mm[i] <= '9';
  };
  if (hh_mm.size() != 5 || hh_mm[2] != ':' || !digit(0) || !digit(1)
      || !digit(3) || !digit(4))
    return std::nullopt;
  auto hours = static_cast<std::uint32_t>((hh_mm[0] - '0') * 10
                                          + (hh_mm[1] - '0'));
  auto minutes = static_cast<std::uint32_t>((hh_mm[3] - '0') * 10
                                            + (hh_mm[4] - '0'));
  if (hours > 23 || minutes > 59) return std::nullopt;
  return hours * 60 + minutes;
}

settings_result parse_settings(const std::string& text, settings base,
                               const env_lookup& env) {
  settings_result out{std::move(base), {}};
  std::istringstream in{text};
  std::string line;
  for (int line_no = 1; std::getline(in, line); ++line_no) {
    auto content = trim(line.substr(0, line.find('#')));
    if (content.empty()) continue;
    auto eq = content.find('=');
    if (eq == std::string::npos) {
      out.error = "line " + std::to_string(line_no) + ": expected key = value";
      return out;
    }
    auto key = trim(content.substr(0, eq));
    auto value = trim(content.substr(eq + 1));
    const auto* spec = find_key(key);
    if (spec == nullptr) {
      out.error = "line " + std::to_string(line_no) + ": unknown key '" + key
                  + "'";
      return out;
    }
    if (auto err = spec->set(out.value, value); !err.empty()) {
      out.error = key + ": " + err;
      return out;
    }
  }
  for (const auto& spec : keys()) {
    const char* value = env(spec.env);
    if (value == nullptr) continue;
    if (auto err = spec.set(out.value, value); !err.empty()) {
      out.error = std::string{spec.env} + ": " + err;
      return out;
    }
  }
  out.error = validate(out.value);
  return out;
}

settings_result load_settings(const std::string& path, const env_lookup& env) {
  std::string text;
  if (!path.empty()) {
    std::ifstream file{path};
    if (!file) return {settings{}, "cannot read config file " + path};
    std::ostringstream buffer;
    buffer << file.rdbuf();
    text = buffer.str();
  }
  return parse_settings(text, settings{}, env);
}

unsigned count_for_cores(unsigned configured, unsigned cores,
                         unsigned cores_each) {
  if (configured > 0) return configured;
  return std::max(1u, cores / std::max(1u, cores_each));
}

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    auto comma = text.find(',');
    auto item = text.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t'))
      item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t'))
      item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace pay
