#pragma once
// One answer of the PSP to POST /v1/accounts or GET /v1/accounts/{acct}
// (onboarding a seller), read as what the onboarding does next.

#include <cstdint>
#include <string>
#include <string_view>

#include "domain/common/psp_outcome.hpp"

namespace pay::domain {

enum class account_kind : std::uint8_t {
  found = 0,        // an account object with an acct_ id
  missing = 1,      // 404: no such account
  refused = 2,      // another final 4xx: the request itself was refused
  unavailable = 3,  // no answer, 5xx, 429, 401/403, unreadable: try later
};

struct account_outcome {
  account_kind kind = account_kind::unavailable;
  std::string stripe_account;  // found
  std::string message;         // refused, unavailable
};

account_outcome classify_account(psp_transport transport, unsigned http_status,
                                 std::string_view body);

}  // namespace pay::domain
