// pspsim's configuration, read once: command line over environment over
// defaults.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "pspsim/checkout_session.hpp"
#include "pspsim/fault_config.hpp"
#include "pspsim/idempotency_window.hpp"
#include "pspsim/intent_store.hpp"
#include "pspsim/payout_store.hpp"
#include "pspsim/settlement_builder.hpp"

namespace pay::pspsim {

constexpr unsigned threads_max = 64;
constexpr std::uint32_t latency_ms_max = 600'000;
constexpr std::uint32_t processing_ms_max = 3'600'000;
constexpr std::size_t intents_max_limit = 100'000'000;
constexpr std::uint32_t webhook_backoff_ms_max = 3'600'000;
constexpr unsigned webhook_concurrency_max = 256;
// Fixed fee parts in minor units: bounded far below any overflow.
constexpr std::int64_t fee_minor_max = 1'000'000'000;
// Key and session lifetimes: up to a year of simulated time.
constexpr std::int64_t lifetime_s_max = 31'536'000;
// The name the buyer's pages show as the one being paid.
constexpr std::size_t merchant_name_chars_max = 100;
inline const std::string merchant_name_default = "Marketplace";

struct options {
  std::string address = "127.0.0.1";       // --address / PSPSIM_ADDRESS
  std::uint16_t port = 8090;               // --port / PSPSIM_PORT; 0 = any free
  std::string api_key = "sk_test_pspsim";  // --api-key / PSPSIM_API_KEY
  std::uint32_t latency_ms = 0;            // --latency-ms / PSPSIM_LATENCY_MS
  std::uint32_t processing_ms =
    1'000;               // --processing-ms / PSPSIM_PROCESSING_MS
  unsigned threads = 2;  // --threads / PSPSIM_THREADS
  std::size_t intents_max =
    intents_max_default;  // --intents-max / PSPSIM_INTENTS_MAX
  fault_config faults;    // --faults / PSPSIM_FAULTS: JSON as POST /sim/faults
  std::uint32_t three_ds_ms = 2'000;  // --three-ds-ms / PSPSIM_THREE_DS_MS
  bool three_ds_succeeds = true;      // --three-ds-outcome succeed|fail
  std::uint32_t review_ms = 3'000;    // --review-ms / PSPSIM_REVIEW_MS
  // --tls-cert FILE / PSPSIM_TLS_CERT and --tls-key FILE / PSPSIM_TLS_KEY:
  // both set, the port speaks HTTPS only.
  std::string tls_cert;
  std::string tls_key;
  std::string webhook_url;  // --webhook-url, http(s); empty = none
  // --webhook-ca-file / PSPSIM_WEBHOOK_CA_FILE: an https webhook URL's
  // certificate must verify against it (empty: the system's trusted CAs).
  std::string webhook_ca_file;
  std::string webhook_secret = "whsec_pspsim";    // --webhook-secret
  std::uint32_t webhook_backoff_base_ms = 500;    // --webhook-backoff-base-ms
  std::uint32_t webhook_backoff_max_ms = 30'000;  // --webhook-backoff-max-ms
  unsigned webhook_concurrency = 8;               // --webhook-concurrency
  settlement_terms
    settlement;  // --fee-rate-bps, --fee-fixed-minor, --payout-fee-minor
  std::uint32_t payout_ms =
    payout_ms_default;  // --payout-ms / PSPSIM_PAYOUT_MS
  // --idempotency-key-ttl-s / PSPSIM_IDEMPOTENCY_KEY_TTL_S
  std::int64_t idempotency_key_ttl_s = idempotency_key_ttl_s_default;
  // --session-expiry-s / PSPSIM_SESSION_EXPIRY_S
  std::int64_t session_expiry_s = session_expiry_s_default;
  std::uint32_t refund_pending_ms = 0;  // --refund-pending-ms
  // --capture-window-s / PSPSIM_CAPTURE_WINDOW_S: an uncaptured
  // authorization is canceled (reason automatic) this long after it.
  std::int64_t capture_window_s = capture_window_s_default;
  // --action-expiry-s / PSPSIM_ACTION_EXPIRY_S: a requires_action intent
  // nobody authenticates is canceled (reason abandoned) this long after.
  std::int64_t action_expiry_s = action_expiry_s_default;
  // --merchant-name / PSPSIM_MERCHANT_NAME: shown on the hosted pages.
  std::string merchant_name = merchant_name_default;
};

struct options_result {
  options opts;
  std::string error;  // non-empty: print it and the usage, exit 2
  bool help = false;  // --help: print the usage, exit 0
};

// getenv_fn returns nullptr for an unset variable (std::getenv fits).
using getenv_fn = std::function<const char*(const char*)>;
options_result parse_options(int argc, const char* const* argv,
                             const getenv_fn& getenv);

std::string usage();

}  // namespace pay::pspsim
