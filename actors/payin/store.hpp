#pragma once

#include <caf/all.hpp>

#include "messages/payin/store_protocol.hpp"

namespace pay {

struct store_options {
  std::string database_url;
  std::uint32_t batch_size_max = 256;
};

// A detached actor (libpqxx blocks) owning one PostgreSQL connection.
store_actor spawn_store(caf::actor_system& sys, store_options options);

// `count` store actors, one connection each.
store_pool spawn_store_pool(caf::actor_system& sys,
                            const store_options& options, unsigned count);

}  // namespace pay
