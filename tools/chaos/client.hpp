// One checkout client as a careful real one behaves: it follows paymentd to
// its current port, and when it gets no answer (connection refused or lost,
// timeout) or a "try again" answer (503, 500, 409 key-in-use) it sends the
// very same body with the very same Idempotency-Key again, with backoff,
// until it gets a final answer or its deadline passes. Behind HAProxy (a
// cluster round), HAProxy's own 502 and 504, which carry no JSON error, are
// "no answer" too: the node died or stalled with the request, which may or
// may not have been acted on.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <random>
#include <string>

#include "http/sync_client.hpp"

namespace pay::chaos {

struct post_request {
  std::string body;
  std::string idempotency_key;  // empty: no header
  std::uint32_t wait_s = 0;     // Prefer: wait=N; 0: none
  std::string path = "/v1/payments";
  http::sync_client::header_list headers;  // sent as well
};

struct final_answer {
  bool answered = false;  // false: deadline passed without a final answer
  unsigned status = 0;
  std::string body;
  std::string error_type;    // error.type of an error body, else empty
  std::string error_code;    // error.code of an error body, else empty
  bool replayed = false;     // Idempotent-Replayed: true
  std::string last_problem;  // when !answered: the last error or status
};

// Counted over all clients of a round.
struct client_counters {
  std::atomic<std::uint64_t> requests{0};
  std::atomic<std::uint64_t> resends{0};    // sends after the first
  std::atomic<std::uint64_t> no_answer{0};  // refused, reset, timed out
  std::atomic<std::uint64_t> answers_503{0};
  std::atomic<std::uint64_t> answers_500{0};
  std::atomic<std::uint64_t> answers_409_in_use{0};
  std::atomic<std::uint64_t> answers_proxy{0};  // HAProxy's 502 / 504
};

struct client_settings {
  std::uint32_t request_timeout_ms = 20'000;
  std::uint32_t deadline_ms = 90'000;  // per post_until_final call
  std::uint32_t backoff_ms_min = 20;
  std::uint32_t backoff_ms_max = 1'000;
  // paymentd's API key, sent as Authorization: Bearer on every request:
  // paymentd refuses /v1 and /admin without one.
  std::string api_key;
};

class following_client {
 public:
  // `abort` set: give up at once (the round cannot go on).
  following_client(const std::atomic<std::uint16_t>& paymentd_port,
                   const std::atomic<bool>& abort, client_settings settings,
                   client_counters& counters, std::uint64_t jitter_seed);

  final_answer post_until_final(const post_request& request);

 private:
  // nullptr while paymentd is down.
  http::sync_client* client();
  void back_off(std::uint32_t resend);

  const std::atomic<std::uint16_t>& paymentd_port_;
  const std::atomic<bool>& abort_;
  client_settings settings_;
  client_counters& counters_;
  std::mt19937_64 jitter_;
  std::uint16_t connected_port_ = 0;
  std::unique_ptr<http::sync_client> client_;
};

}  // namespace pay::chaos
