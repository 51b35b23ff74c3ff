// The simulator's request handler: sends each request to its API, applies
// the injected fault (if any) to /v1 routes, and holds their answers back by
// the configured latency.
#pragma once

#include <chrono>
#include <string>

#include "http/server.hpp"
#include "pspsim/sim_parts.hpp"

namespace pay::pspsim {

// The server accepts bodies up to server_body_bytes_max so that a whole
// settlement file can be PUT; every other route keeps Stripe's 1 MiB.
constexpr std::size_t server_body_bytes_max = 64u << 20;
constexpr std::size_t body_bytes_max = 1u << 20;

class router {
 public:
  // The parts must outlive the server that calls this router.
  router(const sim_parts& parts, std::string api_key,
         std::chrono::milliseconds latency);

  // The http::handler. The latency is added after the work is done, like a
  // slow network on the way back: a client that gives up early still finds
  // the intent (and its charge) created. Injected latency and holds add to
  // it and delay resets too.
  void operator()(http::request&& req, http::responder reply) const;

 private:
  fault_draw draw_fault(const http::request& req) const;

  sim_parts parts_;
  intent_store& store_;
  fault_injector& faults_;
  delay_queue& delays_;
  std::string api_key_;
  std::chrono::milliseconds latency_;
};

}  // namespace pay::pspsim
