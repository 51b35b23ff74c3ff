#pragma once
// POST /v1/payments: JSON text -> a validated new_checkout, or the precise
// error naming the offending field. Nothing else sees the request before
// this has accepted it.

#include <string_view>
#include <variant>

#include "domain/payin/records.hpp"
#include "gateway/common/api_error.hpp"

namespace pay::gateway {

// Stripe's cap on client_reference_id (metadata values allow more).
inline constexpr std::size_t psp_id_chars_limit = 200;

struct create_payment_limits {
  std::size_t orders_per_checkout_max = 100;
  std::size_t buyer_info_bytes_max = 4 * 1024;
  std::size_t buyer_info_members_max = 32;
  // The ids the PSP carries (checkout, order, seller: metadata values and
  // client_reference_id, which Stripe caps at 200 characters) as the caller
  // may spell them: 200 less the account prefix they are stored under.
  std::size_t psp_id_chars_max = psp_id_chars_limit;
};

using create_payment_parse = std::variant<new_checkout, api_error>;

create_payment_parse parse_create_payment(std::string_view body,
                                          const create_payment_limits& limits);

}  // namespace pay::gateway
