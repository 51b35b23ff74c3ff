#pragma once
// POST /v1/payments: JSON text -> a validated new_checkout, or the precise
// error naming the offending field. Nothing else sees the request before
// this has accepted it.

#include <string_view>
#include <variant>

#include "domain/payin/records.hpp"
#include "gateway/common/api_error.hpp"

namespace pay::gateway {

struct create_payment_limits {
  std::size_t orders_per_checkout_max = 100;
  std::size_t buyer_info_bytes_max = 4 * 1024;
  std::size_t buyer_info_members_max = 32;
};

using create_payment_parse = std::variant<new_checkout, api_error>;

create_payment_parse parse_create_payment(std::string_view body,
                                          const create_payment_limits& limits);

}  // namespace pay::gateway
