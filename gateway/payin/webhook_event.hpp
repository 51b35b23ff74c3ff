#pragma once
// A PSP webhook event, read after its signature was verified. Only what
// routes it is read: the event id (dedupe), its type (logs), and which of our
// orders it is about. What happened is asked of the PSP, never taken from
// the event, so a replayed or reordered event cannot mislead us.

#include <string>
#include <string_view>
#include <variant>

#include "gateway/common/api_error.hpp"

namespace pay::gateway {

struct webhook_event {
  std::string id;
  std::string type;
  std::string payment_order_id;  // empty: not about one of our orders
  std::string payout_id;         // payout.* events: our pay-out, if ours
  std::string refund_id;         // refund.* / charge.refund.*: our refund
  // The connected account the event happened on (Connect events carry it
  // at the top level); empty: the platform's own.
  std::string account;
};

// The order comes from data.object.metadata.payment_order_id (intents) or
// data.object.client_reference_id (checkout sessions); a pay-out from
// data.object.metadata.payout_id of a payout.* event; a refund from
// data.object.metadata.refund_id of a refund.* or charge.refund.* event
// (whose metadata also names the order, which is not what it is about).
// An event on a connected account can only be about a pay-out: our charges
// and refunds are the platform's.
std::variant<webhook_event, api_error> parse_webhook_event(
  std::string_view body);

}  // namespace pay::gateway
