#pragma once
// Onboarding a seller as a Stripe connected account, run by the pay-out
// service: link an existing acct_... (after the PSP confirms it exists) or
// create a custom account at the PSP, then store the link. A seller linked
// before keeps its account; the same request again changes nothing.

#include <caf/all.hpp>

#include "actors/payout/payout.hpp"
#include "messages/payout/payout_protocol.hpp"

namespace pay {

caf::typed_response_promise<connect_reply> onboard_seller(
  payout_service_actor::pointer self, const payout_deps& deps,
  const connect_seller& cmd);

}  // namespace pay
