// What one load run counted and measured, and the two renderings of it: a
// plain-text table for people and one JSON line for scripts/bench.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tools/loadgen/latency_histogram.hpp"

namespace pay::loadgen {

struct run_stats {
  std::uint64_t checkouts_started = 0;
  std::uint64_t checkouts_accepted = 0;   // 201 (or 200 replay) to the POST
  std::uint64_t checkouts_completed = 0;  // seen settled
  std::uint64_t checkouts_skipped = 0;    // open loop: in-flight limit hit
  std::uint64_t orders_completed = 0;     // orders of settled checkouts
  std::uint64_t orders_succeeded = 0;
  std::uint64_t orders_failed = 0;
  latency_histogram accept;      // start to POST answered
  latency_histogram completion;  // start to checkout seen settled
  // "<phase> <kind>", e.g. "accept http_503", "completion timeout".
  std::map<std::string, std::uint64_t> errors;
  // From the first start to the last accept, and to the last completion.
  double accept_window_s = 0;
  double completion_window_s = 0;
};

// Why a request did not give the answer we wanted, as a short stable word.
enum class error_kind : std::uint8_t {
  http_status = 0,         // a response with an unexpected status
  connect = 1,             // nothing sent: connect failed
  saturated = 2,           // nothing sent: the client pool's queue was full
  timeout = 3,             // sent, no answer in time
  connection_lost = 4,     // sent, connection reset or closed
  bad_body = 5,            // 2xx whose body is not a checkout
  completion_timeout = 6,  // not settled within --completion-timeout-s
};
std::string error_name(error_kind kind, unsigned http_status);

enum class invariant_state : std::uint8_t { skipped = 0, ok = 1, violated = 2 };

struct run_description {
  std::string run_id;
  std::uint32_t concurrency = 0;  // closed loop
  std::uint32_t rate_per_s = 0;   // open loop when > 0
  std::uint32_t orders_per_checkout = 0;
  bool no_wait = false;
  invariant_state invariants = invariant_state::skipped;
  std::string invariants_note;  // why skipped
  std::vector<std::string> violations;
};

double accepted_per_s(const run_stats& s);
double completed_orders_per_s(const run_stats& s);

std::string render_table(const run_stats& s, const run_description& d);
// One line, no newline: "loadgen-json: {...}".
std::string render_json_line(const run_stats& s, const run_description& d);

}  // namespace pay::loadgen
