#pragma once
// What one POST /v1/refunds (or GET) at the PSP told us, reduced to the only
// distinctions a refund acts on:
//   succeeded - the PSP refunded (or had refunded under our key before);
//   failed    - the PSP refused and moved no money: final;
//   retry     - nothing is known for sure (5xx, 429, 409, transport failure,
//               lost answer, a refund still pending): ask again with the same
//               idempotency key, which can never refund twice.

#include <cstdint>
#include <string>
#include <string_view>

#include "domain/common/psp_outcome.hpp"

namespace pay::domain {

enum class refund_kind : std::uint8_t {
  succeeded = 0,
  failed = 1,
  retry = 2,
};

struct refund_outcome {
  refund_kind kind = refund_kind::retry;
  std::string psp_reference;  // re_... when the PSP named the refund
  std::string failure_code;
  std::string failure_message;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, refund_outcome& x) {
  return f(x.kind, x.psp_reference, x.failure_code, x.failure_message);
}

std::string_view to_string(refund_kind kind);

refund_outcome classify_refund(psp_transport transport, unsigned http_status,
                               std::string_view body);

}  // namespace pay::domain
