#pragma once
// The wallet: what each seller is owed. Credits are idempotent per payment
// order (a unique constraint, not only a flag).

#include <caf/all.hpp>

#include "messages/payin/store_protocol.hpp"

namespace pay {

// Balances are read by the pay-out service (GET /v1/wallets), which knows
// the pending / available / in-transit split.
using wallet_actor =
  caf::typed_actor<caf::replies_to<credit_wallet_cmd>::with<step_reply>>;

}  // namespace pay
