// classify_refund: the PSP's answer to a refund. A refund is failed
// (final, nothing moved) only on the PSP's own 4xx word and says why; it
// succeeds, or is pending, only on a 2xx naming the refund; everything
// unsure is a retry.

#include "domain/refund/refund_outcome.hpp"
#include "fuzz/check.hpp"
#include "fuzz/psp_answer.hpp"

using namespace pay::domain;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const auto in = pay::fuzz::read_psp_answer(pay::fuzz::as_text(data, size));
  const refund_outcome out = classify_refund(in.transport, in.http_status,
                                             in.body);
  FUZZ_CHECK(to_string(out.kind) != "invalid");
  if (in.transport != psp_transport::responded)
    FUZZ_CHECK(out.kind == refund_kind::retry);
  const unsigned s = in.http_status;
  if (s >= 500 || s == 409 || s == 429 || s == 401 || s == 403)
    FUZZ_CHECK(out.kind == refund_kind::retry);
  if (out.kind == refund_kind::succeeded) {
    FUZZ_CHECK(s >= 200 && s < 300);
    FUZZ_CHECK(!out.psp_reference.empty());
  }
  if (out.kind == refund_kind::pending) {
    FUZZ_CHECK(s >= 200 && s < 300);
    FUZZ_CHECK(!out.psp_reference.empty());
  }
  // Only a lookup can say the PSP has no refund of ours.
  FUZZ_CHECK(out.kind != refund_kind::absent);
  if (out.kind == refund_kind::failed) {
    FUZZ_CHECK(in.transport == psp_transport::responded);
    FUZZ_CHECK(!out.failure_code.empty());
  }
  if (out.kind == refund_kind::retry) FUZZ_CHECK(!out.failure_code.empty());
  return 0;
}
