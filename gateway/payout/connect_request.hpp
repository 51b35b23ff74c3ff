#pragma once
// POST /v1/sellers/{seller}/connected_account: JSON text -> what to link or
// create, or the precise error naming the offending field.
//   {"stripe_account": "acct_..."}          link an existing account
//   {"country": "DE", "email": "a@b.example"}  create one (both optional)

#include <string>
#include <string_view>
#include <variant>

#include "gateway/common/api_error.hpp"

namespace pay::gateway {

inline constexpr std::size_t connect_email_chars_max = 254;

struct connect_request {
  std::string stripe_account;  // empty: create one
  std::string country;         // empty: the configured default
  std::string email;
};

std::variant<connect_request, api_error> parse_connect_request(
  std::string_view body);

}  // namespace pay::gateway
