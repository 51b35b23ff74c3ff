#pragma once
// Errors actors answer with, as caf::error values with a category atom.

#include <caf/all.hpp>

namespace pay {

enum class actor_errc : std::uint8_t {
  database_unavailable = 1,  // no connection, or the batch failed to commit
  command_failed = 2,        // the command itself failed (a bug or bad data)
  checkout_gone = 3,         // the live checkout actor ended meanwhile
};

inline caf::error make_error(actor_errc x) {
  return caf::error{static_cast<std::uint8_t>(x), caf::atom("pay")};
}

}  // namespace pay
