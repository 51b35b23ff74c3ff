#pragma once
// Errors actors answer with, as caf::error values with a category atom.

#include <string>

#include <caf/all.hpp>

namespace pay {

enum class actor_errc : std::uint8_t {
  database_unavailable = 1,  // no connection, or the batch failed to commit
  command_failed = 2,        // the command itself failed (a bug or bad data)
  checkout_gone = 3,         // the live checkout actor ended meanwhile
  overloaded = 4,            // the execution backlog is past its bound
  open_checkouts_limit = 5,  // the account has too many unfinished checkouts
  owned_elsewhere = 6,       // a live node elsewhere drives that checkout
};

inline caf::error make_error(actor_errc x) {
  return caf::error{static_cast<std::uint8_t>(x), caf::atom("pay")};
}

// Overloaded, with the seconds after which a retry is welcome (its context).
inline caf::error make_overloaded_error(std::uint32_t retry_after_s) {
  return caf::error{static_cast<std::uint8_t>(actor_errc::overloaded),
                    caf::atom("pay"), caf::make_message(retry_after_s)};
}

// The account's open checkouts are at their cap (its context: the cap and
// the seconds after which a retry is welcome).
inline caf::error make_open_checkouts_limit_error(std::uint32_t open_max,
                                                  std::uint32_t retry_after_s) {
  return caf::error{static_cast<std::uint8_t>(actor_errc::open_checkouts_limit),
                    caf::atom("pay"),
                    caf::make_message(open_max, retry_after_s)};
}

// A live node elsewhere in the cluster owns the checkout (its context: the
// address it answers HTTP on); the gateway forwards the request there.
inline caf::error make_owned_elsewhere_error(const std::string& address) {
  return caf::error{static_cast<std::uint8_t>(actor_errc::owned_elsewhere),
                    caf::atom("pay"), caf::make_message(address)};
}

inline bool is_error(const caf::error& err, actor_errc x) {
  return err.compare(static_cast<std::uint8_t>(x), caf::atom("pay")) == 0;
}

inline bool is_overloaded(const caf::error& err) {
  return is_error(err, actor_errc::overloaded);
}

// The owner's address of an owned_elsewhere error; empty for any other.
inline std::string owner_address_of(const caf::error& err) {
  if (!is_error(err, actor_errc::owned_elsewhere)
      || !err.context().match_elements<std::string>())
    return {};
  return err.context().get_as<std::string>(0);
}

}  // namespace pay
