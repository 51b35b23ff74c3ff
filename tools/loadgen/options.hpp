// The loadgen command line, parsed once into a typed struct. `--name value`
// and `--name=value` both work; every number has a named range.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tools/loadgen/token_mix.hpp"

namespace pay::loadgen {

// How loadgen learns that a checkout is final (docs/performance.md).
enum class completion_mode : std::uint8_t {
  // POST the identical request again with `Prefer: wait=N`: paymentd joins
  // the running checkout and answers once it is final (docs/api.md), so no
  // polling load is added.
  wait = 0,
  // GET /v1/checkouts/{id} with exponential backoff.
  poll = 1,
};

struct loadgen_options {
  std::string url = "http://127.0.0.1:8080";      // paymentd
  std::string psp_url = "http://127.0.0.1:8090";  // pspsim, for invariants
  std::string database_url;  // default $DATABASE_URL; empty: no invariants
  // Sent as Authorization: Bearer with every request to paymentd, which
  // refuses /v1 without a key. Default $LOADGEN_API_KEY; required.
  std::string api_key;
  std::uint32_t concurrency = 64;  // closed loop: checkouts in flight
  std::uint32_t rate_per_s = 0;    // open loop target; 0 = closed loop
  std::uint32_t duration_s = 10;   // 0 = no time limit
  std::uint64_t checkouts = 0;     // checkouts to start; 0 = no count limit
  std::uint32_t orders_per_checkout = 2;
  std::uint32_t sellers = 100;
  std::vector<std::string> currencies = {"USD", "EUR", "JPY"};
  token_mix tokens;
  std::uint64_t seed = 0;
  std::string run_id;  // part of every id; default: random
  bool no_wait = false;
  completion_mode completion = completion_mode::wait;
  std::uint32_t connections = 0;  // 0: concurrency (closed) or 1024 (open)
  std::uint32_t request_timeout_ms = 40'000;
  std::uint32_t completion_timeout_s = 120;
  std::uint32_t settle_timeout_s = 120;   // invariants wait this long first
  std::uint32_t in_flight_max = 100'000;  // open loop: beyond it, skip
  bool invariants = true;
};

struct parse_result {
  loadgen_options options;
  bool help = false;
  std::string error;  // empty on success
};

// `database_url_env` is $DATABASE_URL (the default for --database-url),
// `api_key_env` $LOADGEN_API_KEY (the default for --api-key).
parse_result parse_options(int argc, const char* const* argv,
                           const std::string& database_url_env,
                           const std::string& api_key_env);

const char* usage();

}  // namespace pay::loadgen
