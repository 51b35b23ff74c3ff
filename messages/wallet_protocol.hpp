#pragma once
// The wallet: what each seller is owed. Credits are idempotent per payment
// order (a unique constraint, not only a flag).

#include <caf/all.hpp>

#include "messages/store_protocol.hpp"

namespace pay {

using wallet_actor =
  caf::typed_actor<caf::replies_to<credit_wallet_cmd>::with<step_reply>,
                   caf::replies_to<load_wallet>::with<wallet_view>>;

}  // namespace pay
