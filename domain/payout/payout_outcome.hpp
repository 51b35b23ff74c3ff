#pragma once
// Turns one answer of the pay-out provider (POST or GET /v1/payouts) into
// what the payout actor does next. A lost answer is never read as a
// failure: only the provider's own final word fails a pay-out, because a
// failed pay-out gives the money back to the seller.

#include <cstdint>
#include <string>
#include <string_view>

#include "domain/common/psp_outcome.hpp"

namespace pay::domain {

enum class payout_kind : std::uint8_t {
  pending = 0,  // the provider holds it, not paid yet
  paid = 1,
  failed = 2,    // the provider could not pay it (failure_code says why)
  rejected = 3,  // a final 4xx: the provider refused the request itself
  retry = 4,     // 5xx, 409, 429, 401/403/404, transport, unreadable: ask again
};

struct payout_outcome {
  payout_kind kind = payout_kind::retry;
  std::string psp_reference;  // po_... when the body had one
  std::string failure_code;
  std::string failure_message;
};

std::string_view to_string(payout_kind a);

payout_outcome classify_payout(psp_transport transport, unsigned http_status,
                               std::string_view body);

}  // namespace pay::domain
