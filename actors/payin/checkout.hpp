#pragma once

#include <caf/all.hpp>

#include "actors/common/collaborators.hpp"
#include "messages/payin/checkout_protocol.hpp"

namespace pay {

struct checkout_args {
  checkout_view view;  // as persisted
  std::string psp_token;
  std::string correlation_id;
  // Stored by this very request: no order of it was ever sent to the PSP.
  bool just_stored = false;
};

checkout_actor spawn_checkout(caf::actor_system& sys, collaborators deps,
                              checkout_args args);

}  // namespace pay
