// The simulator's request handler: sends each request to its API and, for
// /v1 routes, holds the answer back by the configured latency.
#pragma once

#include <chrono>
#include <string>

#include "http/server.hpp"
#include "pspsim/delay_queue.hpp"
#include "pspsim/intent_store.hpp"

namespace pay::pspsim {

class router {
 public:
  // store and delays must outlive the server that calls this router.
  router(intent_store& store, delay_queue& delays, std::string api_key,
         std::chrono::milliseconds latency);

  // The http::handler. The latency is added after the work is done, like a
  // slow network on the way back: a client that gives up early still finds
  // the intent (and its charge) created.
  void operator()(http::request&& req, http::responder reply) const;

 private:
  intent_store& store_;
  delay_queue& delays_;
  std::string api_key_;
  std::chrono::milliseconds latency_;
};

}  // namespace pay::pspsim
