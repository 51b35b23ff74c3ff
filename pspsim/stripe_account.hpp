// The Stripe-Account header: a request made on behalf of a connected
// account (acct_...). Absent: the platform itself.
#pragma once

#include <optional>
#include <string>

#include "http/server.hpp"
#include "pspsim/connect_store.hpp"

namespace pay::pspsim {

struct stripe_account {
  std::string id;                         // empty: the platform
  std::optional<http::response> refused;  // an account pspsim does not know
};

stripe_account stripe_account_of(const http::request& req,
                                 const connect_store& accounts);

}  // namespace pay::pspsim
