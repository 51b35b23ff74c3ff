#pragma once

#include <caf/all.hpp>

#include "http/client_pool.hpp"
#include "messages/common/psp_client_protocol.hpp"

namespace pay {

struct psp_client_options {
  std::string base_url;  // http://host:port or https://host:port
  std::string api_key;
  std::string stripe_version;  // sent as Stripe-Version on every call
  http::client_pool_limits limits;
  // https: the PSP's certificate must verify against this CA file (empty:
  // the system's trusted CAs).
  std::string ca_file;
};

// Fails (returns an empty handle and sets `error`) when base_url is malformed
// or, for https, the CA file cannot be loaded.
psp_client_actor spawn_psp_client(caf::actor_system& sys,
                                  psp_client_options options,
                                  std::string& error);

}  // namespace pay
