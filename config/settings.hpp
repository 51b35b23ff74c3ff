#pragma once
// paymentd's configuration, read once at start into this typed struct.
// Sources, later wins: built-in defaults, the config file, the environment.
// Every key is documented in config/paymentd.conf.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/common/backoff.hpp"
#include "domain/risk/card_rules.hpp"
#include "domain/risk/risk_rules.hpp"

namespace pay {

struct settings {
  // http
  std::string http_address = "127.0.0.1";
  std::uint16_t http_port = 8080;
  unsigned http_threads = 2;
  std::uint32_t http_body_bytes_max = 1 << 20;
  std::uint32_t http_read_timeout_ms = 30'000;
  // the edge under abuse (http/server.hpp server_limits says what each does)
  std::uint32_t http_header_timeout_ms = 10'000;
  std::uint32_t http_header_bytes_max = 16 * 1024;
  std::uint32_t http_header_count_max = 100;
  std::uint32_t http_request_line_bytes_max = 8 * 1024;
  std::uint32_t http_connections_max = 4'096;
  // TLS: both set -> HTTPS on http.port; plain HTTP only on http.plain_port
  // (0: none)
  std::string http_tls_cert;
  std::string http_tls_key;
  std::uint16_t http_plain_port = 0;
  // database
  std::string database_url;
  unsigned database_connections = 0;  // 0: one per two cores, at least one
  std::uint32_t store_batch_size_max = 256;
  std::uint32_t store_request_timeout_ms = 30'000;
  // admission: accepting checkouts on connections of their own, and
  // shedding new ones (503 overloaded) past the execution backlog bound
  unsigned admission_connections = 1;
  std::uint32_t admission_backlog_max = 20'000;
  std::uint32_t admission_retry_after_s = 1;
  // passivation of long-pending orders (0: never)
  std::uint32_t passivate_after_ms = 10'000;
  // Capture on fulfilment: how long an authorization waits for its capture
  // before we void it (6 days: Stripe lets one lapse after 7).
  std::uint32_t authorization_hold_ms = 6 * 24 * 3600 * 1000U;
  // After each authorization, before any capture (domain/risk/card_rules).
  std::vector<domain::card_rule> card_rules = domain::default_card_rules();
  std::uint32_t wake_interval_ms = 1'000;
  std::uint32_t wake_batch_max = 1'000;
  // psp
  std::string psp_base_url = "http://127.0.0.1:8090";
  std::string psp_api_key = "sk_test_pspsim";
  // https PSP: verify its certificate against this CA file (empty: the
  // system's trusted CAs)
  std::string psp_ca_file;
  // Stripe-Version sent on every PSP call, so the answers' shapes never
  // follow the account's default version (docs/stripe.md).
  std::string psp_stripe_version = "2020-08-27";
  // How long the PSP surely keeps an idempotency key (Stripe: 24 h). A
  // create retried later than this is preceded by a lookup of the object.
  std::uint32_t psp_idempotency_key_trust_s = 23 * 3600;
  std::uint32_t psp_connections_max = 512;
  std::uint32_t psp_connect_timeout_ms = 2'000;
  std::uint32_t psp_request_timeout_ms = 10'000;
  domain::backoff_policy psp_retry;
  std::uint32_t psp_retry_deadline_ms = 120'000;
  std::uint32_t processing_poll_ms = 500;
  std::uint32_t pending_poll_max_ms = 30'000;
  // Comma-separated: during a rotation both the old and the new secret.
  std::string psp_webhook_secrets = "whsec_pspsim";
  std::uint32_t webhook_tolerance_s = 300;
  // api
  std::uint32_t orders_per_checkout_max = 100;
  std::uint32_t wait_s_max = 30;
  std::uint32_t buyer_info_bytes_max = 4 * 1024;
  std::uint32_t buyer_info_keys_max = 32;
  std::uint32_t idempotency_ttl_s = 86'400;
  std::uint32_t open_checkouts_per_account_max = 5'000;  // 0: no cap
  std::uint32_t open_checkouts_refresh_ms = 1'000;
  // authentication: API keys live in the database (paymentd keys ...)
  std::string bootstrap_admin_key;  // automation: ensured as an admin key
  std::uint32_t keys_refresh_ms = 1'000;
  bool metrics_public = true;
  // rate limits: token buckets, per key (per client address for open
  // routes and failed authentications); rate 0 switches a class off
  std::uint32_t rate_create_per_s = 100;
  std::uint32_t rate_create_burst = 200;
  std::uint32_t rate_read_per_s = 200;
  std::uint32_t rate_read_burst = 400;
  std::uint32_t rate_admin_per_s = 50;
  std::uint32_t rate_admin_burst = 100;
  std::uint32_t rate_open_per_s = 100;
  std::uint32_t rate_open_burst = 200;
  std::uint32_t rate_auth_failures_per_s = 5;
  std::uint32_t rate_auth_failures_burst = 20;
  // Prefer: wait requests parked at once, per key and in all
  std::uint32_t waits_per_key_max = 1'000;
  std::uint32_t waits_max = 5'000;
  // operations
  std::string log_level = "info";
  std::string log_format = "json";  // json (one object per line) or text
  std::string log_file;             // empty: stdout
  std::uint32_t log_file_bytes_max = 100 << 20;
  std::uint32_t log_files_max = 5;
  unsigned actor_threads = 0;               // 0: one per core
  std::string actor_scheduler = "sharing";  // sharing or stealing
  std::uint32_t recovery_batch_max = 10'000;
  std::uint32_t watchdog_interval_ms = 10'000;
  std::uint32_t watchdog_stuck_after_ms = 60'000;
  std::uint32_t restarts_max = 3;
  // risk (config/risk_settings.hpp parses the risk.* keys)
  domain::risk_rules risk;
  // pay-outs
  std::uint32_t payout_interval_s = 3600;  // 0: only on POST /admin/payouts/run
  std::uint32_t payout_hold_s = 86'400;    // after the pay-in succeeded
  std::uint64_t payout_minimum_minor = 100;
  // Connections of their own for reads of wallets and pay-outs, so a crowd
  // of readers never queues in front of fulfilment or a pay-out run.
  unsigned payout_read_connections = 2;
  // A seller's connected account created through the API is in this country
  // unless the request names one (ISO 3166-1 alpha-2).
  std::string connect_default_country = "US";
  // reconciliation
  std::string reconcile_daily_at = "00:30";  // UTC HH:MM, or "off"
  // Where the PSP's settled lines come from: "balance_transactions"
  // (Stripe's GET /v1/balance_transactions) or "settlement_csv" (a daily
  // CSV file, GET /v1/settlement_files/{date}).
  std::string reconcile_source = "balance_transactions";
  std::uint32_t fee_rate_bps = 290;  // agreed with the PSP
  std::uint32_t fee_fixed_minor = 30;
  // cluster (docs/operations.md): empty node id, paymentd runs alone
  std::string cluster_node_id;
  std::string cluster_advertise_url;  // empty: http(s)://address:port
  std::uint32_t cluster_lease_ms = 5'000;
  std::uint32_t cluster_renew_ms = 1'000;
  std::uint32_t cluster_takeover_interval_ms = 1'000;
  std::uint32_t cluster_takeover_batch_max = 1'000;
};

// "00:30" -> 30 (minutes after midnight UTC); nothing for "off" or for
// anything that is not HH:MM in 00:00 .. 23:59.
std::optional<std::uint32_t> daily_minute_utc(std::string_view hh_mm);

struct settings_result {
  settings value;
  std::string error;  // empty on success
};

using env_lookup = std::function<const char*(const char*)>;

// `path` may be empty (defaults + environment only).
settings_result load_settings(const std::string& path, const env_lookup& env);

// Parses the text of a config file on top of `base` (for tests).
settings_result parse_settings(const std::string& text, settings base,
                               const env_lookup& env);

// A count that 0 leaves to the machine: one per `cores_each` cores, at
// least one (actors.threads, database.connections).
unsigned count_for_cores(unsigned configured, unsigned cores,
                         unsigned cores_each);

// "a, b,,c " -> {"a", "b", "c"}: comma-separated values, trimmed, empty
// ones dropped.
std::vector<std::string> split_list(std::string_view text);

}  // namespace pay
