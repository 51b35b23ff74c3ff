#pragma once
// The body of POST /admin/reconciliation/exceptions/{id}/resolve:
// {"reason": "...", "account": "..."}. `reason` is required (1 to 1000
// characters); `account`, where the money in settlement_suspense goes, is
// optional (the exception's default target) and checked against the
// exception's kind by the reconciler. Anything else is refused with the
// field it is about, before anything is asked.

#include <string>
#include <string_view>
#include <variant>

#include "gateway/common/api_error.hpp"

namespace pay::gateway {

struct resolve_request {
  std::string reason;
  std::string account;  // "": the default target
};

std::variant<resolve_request, api_error> parse_resolve_request(
  std::string_view body);

}  // namespace pay::gateway
