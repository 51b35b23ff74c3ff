// classify_payout: the pay-out provider's answer. A failed pay-out gives
// the seller's money back, so only the provider's own 2xx "failed" (or a
// final 4xx refusal) ends one; anything unsure is a retry. Every final
// answer names the pay-out or says why.

#include "domain/payout/payout_outcome.hpp"
#include "fuzz/check.hpp"
#include "fuzz/psp_answer.hpp"

using namespace pay::domain;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const auto in = pay::fuzz::read_psp_answer(pay::fuzz::as_text(data, size));
  const payout_outcome out = classify_payout(in.transport, in.http_status,
                                             in.body);
  FUZZ_CHECK(to_string(out.kind) != "invalid");
  const unsigned s = in.http_status;
  if (in.transport != psp_transport::responded || s >= 500 || s == 409
      || s == 429 || s == 401 || s == 403 || s == 404)
    FUZZ_CHECK(out.kind == payout_kind::retry);
  switch (out.kind) {
    case payout_kind::pending:
    case payout_kind::paid:
      FUZZ_CHECK(s >= 200 && s < 300);
      FUZZ_CHECK(!out.psp_reference.empty());
      break;
    case payout_kind::failed:
      FUZZ_CHECK(s >= 200 && s < 300);
      FUZZ_CHECK(!out.psp_reference.empty());
      FUZZ_CHECK(!out.failure_code.empty());
      break;
    case payout_kind::rejected:
      FUZZ_CHECK(s >= 400 && s < 500);
      FUZZ_CHECK(!out.failure_code.empty());
      break;
    case payout_kind::retry:
      FUZZ_CHECK(!out.failure_code.empty());
      break;
  }
  return 0;
}
