#pragma once
// The refund store: a detached actor (libpqxx blocks) owning one database
// connection, running each refund command in its own transaction through
// persistence/refund_sql. A failed transaction answers an error and commits
// nothing; callers retry (every command is idempotent or compare-and-set).

#include <string>

#include <caf/all.hpp>

#include "messages/refund/refund_protocol.hpp"

namespace pay {

refund_store_actor spawn_refund_store(caf::actor_system& sys,
                                      std::string database_url);

}  // namespace pay
