#pragma once
// Turns one answer of the pay-out provider into what the payout actor does
// next: a transfer (POST/GET /v1/transfers), a reversal
// (POST /v1/transfers/{tr}/reversals), a pay-out (POST/GET /v1/payouts) or a
// lookup list of either. A lost answer is never read as a failure: only the
// provider's own final word fails a pay-out, because a failed pay-out gives
// the money back to the seller.

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
  transferred = 5,  // the transfer exists and is not reversed
  reversed = 6,     // the transfer was reversed in full
  absent = 7,       // a lookup list holds nothing for this pay-out
};

struct payout_outcome {
  payout_kind kind = payout_kind::retry;
  std::string psp_reference;  // po_... or tr_... when the body had one
  std::string failure_code;
  std::string failure_message;
  // A retry whose request the provider may have carried out all the same
  // (no answer, a 5xx, a 409, an unreadable body). False for a request that
  // never left or was refused unread (401, 403, 404, 429). Whether that
  // moved money depends on the call (domain::moves_money).
  bool may_have_acted = false;
};

std::string_view to_string(payout_kind a);

// `payout_id`: ours, to pick our object out of a lookup list (its
// metadata[payout_id]).
payout_outcome classify_payout(psp_transport transport, unsigned http_status,
                               std::string_view body,
                               std::string_view payout_id = {});

}  // namespace pay::domain
