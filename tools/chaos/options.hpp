// The chaos command line, parsed once into a typed struct. `--name value`
// and `--name=value` both work; every number has a named range.
#pragma once

#include <cstdint>
#include <string>

namespace pay::chaos {

// How hard pspsim misbehaves. Explicit numbers: they appear in the docs.
enum class fault_level : std::uint8_t {
  none = 0,      // pspsim answers every request properly
  moderate = 1,  // a few percent of each fault kind (the default)
  // Three times as often, and paymentd's retry budget cut to 3 attempts,
  // so orders run out of budget: the FAILED-versus-DLQ decision is tested.
  heavy = 2,
};

// paymentd trusts pspsim's keys this much less than pspsim keeps them: its
// age check rounds to whole seconds (docs/chaos.md).
inline constexpr std::uint32_t psp_key_trust_margin_s = 2;

struct chaos_options {
  std::uint32_t rounds = 1;
  std::uint64_t seed = 0;  // round r runs with seed + r
  bool seed_given = false;
  std::uint32_t checkouts = 300;
  std::uint32_t orders_per_checkout = 3;
  std::uint32_t concurrency = 64;
  std::uint32_t kills = 3;        // kill -9 of paymentd per round, at least
  std::uint32_t pg_restarts = 1;  // restarts of PostgreSQL per round
  std::uint32_t quiesce_timeout_s = 120;
  // pspsim forgets an Idempotency-Key this many seconds after its first use
  // (--idempotency-key-ttl-s), and paymentd trusts a key 2 s less
  // (PAYMENTD_PSP_IDEMPOTENCY_KEY_TRUST_S): a retry, recovery or DLQ requeue
  // later than that must look its charge or refund up instead of POSTing
  // it again. 0: both keep their production defaults (a day, 23 h).
  std::uint32_t psp_key_ttl_s = 5;
  fault_level faults = fault_level::moderate;
  // Cluster mode (docs/chaos.md, "Cluster and Patroni"): this many paymentd
  // nodes behind one HAProxy; 1 is the single paymentd of every earlier run.
  std::uint32_t nodes = 1;
  // With nodes > 1: SIGSTOPs of a node past its lease, per round.
  std::uint32_t pauses = 1;
  // With nodes > 1: HAProxy listens here, node i on port_base + i.
  std::uint32_t port_base = 16'600;
  // DATABASE_URL is a Patroni pair behind HAProxy: the PostgreSQL fault is
  // a kill -9 of the primary's postmaster (CHAOS_PG_KILL_PRIMARY) instead
  // of a restart, so the standby is promoted while paymentd writes.
  bool patroni = false;
  bool keep_logs = false;
  // Every planned feature (pspsim faults, Idempotency-Key, history, DLQ)
  // must be present; a missing one is a violation instead of a skipped part.
  bool require_all_features = false;
  // Run the check-the-checker round instead (see self_test.hpp).
  bool self_test = false;
  std::string log_dir;  // default: $CHAOS_LOG_DIR, else ./chaos-logs
};

struct parse_result {
  chaos_options options;
  bool help = false;
  std::string error;  // empty on success
};

parse_result parse_options(int argc, const char* const* argv);

// The usage text printed by --help and after a bad option.
const char* usage();

}  // namespace pay::chaos
