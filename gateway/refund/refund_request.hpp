#pragma once
// POST /v1/refunds: JSON text -> a validated refund request, or the precise
// error naming the offending field. The amount's grammar is checked here;
// whether it fits the order's currency and what is left to refund is
// checked by the refund store, which knows the order.

#include <string>
#include <string_view>
#include <variant>

#include "gateway/common/api_error.hpp"

namespace pay::gateway {

// Stripe's reasons are an enum; ours is free text, defaulting to Stripe's
// most common one when the client gives none.
inline constexpr std::string_view refund_reason_default =
  "requested_by_customer";
inline constexpr std::size_t refund_reason_chars_max = 500;

struct refund_request {
  std::string payment_order_id;
  std::string amount;  // decimal string; "" = everything left
  std::string reason;
  // sha256 hex of the canonical request: same meaning, same hash.
  std::string request_hash;
};

using refund_request_parse = std::variant<refund_request, api_error>;

refund_request_parse parse_create_refund(std::string_view body);

}  // namespace pay::gateway
