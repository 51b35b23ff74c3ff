#pragma once
// What one call about a refund at the PSP told us (POST /v1/refunds, GET
// /v1/refunds/{re}, or the list GET /v1/refunds?payment_intent=), reduced to
// the only distinctions a refund acts on:
//   succeeded - the PSP refunded (or had refunded under our key before);
//   failed    - the PSP refused and moved no money: final;
//   pending   - the PSP made the refund (psp_reference names it) and has not
//               decided: read it back by id from now on, never POST again;
//   absent    - a lookup found no refund of ours at the PSP: creating it is
//               safe even after our idempotency key expired;
//   retry     - nothing is known for sure (5xx, 429, 409, transport failure,
//               lost answer): ask again the same way.

#include <cstdint>
#include <string>
#include <string_view>

#include "domain/common/psp_outcome.hpp"

namespace pay::domain {

enum class refund_kind : std::uint8_t {
  succeeded = 0,
  failed = 1,
  retry = 2,
  pending = 3,
  absent = 4,
};

struct refund_outcome {
  refund_kind kind = refund_kind::retry;
  std::string psp_reference;  // re_... when the PSP named the refund
  std::string failure_code;
  std::string failure_message;
  // A retry whose request may have been processed by the PSP all the same
  // (no answer, a 5xx, a 409, an unreadable body): the refund may exist
  // there. False for a request that never left, was refused for our
  // credentials or rate (401, 403, 429), and for every read.
  bool may_have_refunded = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, refund_outcome& x) {
  return f(x.kind, x.psp_reference, x.failure_code, x.failure_message,
           x.may_have_refunded);
}

std::string_view to_string(refund_kind kind);

// The answer to POST /v1/refunds or GET /v1/refunds/{re}.
refund_outcome classify_refund(psp_transport transport, unsigned http_status,
                               std::string_view body);

// The answer to GET /v1/refunds?payment_intent=...: our refund is the one
// whose metadata[refund_id] is `refund_id`; none listed is `absent` (only
// when the list is complete: has_more false).
refund_outcome classify_refund_lookup(psp_transport transport,
                                      unsigned http_status,
                                      std::string_view body,
                                      std::string_view refund_id);

}  // namespace pay::domain
