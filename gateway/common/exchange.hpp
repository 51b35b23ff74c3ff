#pragma once
// One HTTP request in flight through the gateway: what every route needs to
// answer it later, from whichever thread the actor's reply arrives on.

#include <memory>
#include <string>

#include <caf/all.hpp>

#include "gateway/common/api_error.hpp"
#include "gateway/common/gateway.hpp"

namespace pay::gateway {

// The gatekeeper's mutable state: rate limiters and wait counters.
struct edge_state;

struct context {
  caf::actor_system& sys;
  payment_service_actor service;
  gateway_options options;
  money_actors money;
  std::shared_ptr<edge_state> edge;
};

class owner_forwarder;

struct exchange {
  http::request req;
  http::responder respond;
  std::string request_id;
  // Set by the gatekeeper before any route runs (the platform, with no key,
  // on open routes).
  caller who;
  // In a cluster: where a request about another node's checkout goes.
  std::shared_ptr<owner_forwarder> forwarder;

  // A JSON answer carrying this request's Request-Id.
  http::response json_response(unsigned status, std::string body) const;
  void reply(unsigned status, std::string body, bool replayed = false) const;
  void fail(const api_error& err) const;
  // A failure inside the actor system: logged here, mapped in one place.
  void fail(const caf::error& err) const;
};

using exchange_ptr = std::shared_ptr<const exchange>;

// "cli_" + X-Request-Id when that is a plain id (letters, digits, _-.; at
// most 64), else a new one.
std::string request_id_of(const http::request& req);

}  // namespace pay::gateway
