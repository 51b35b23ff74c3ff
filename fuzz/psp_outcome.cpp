// classify_payment_intent and classify_checkout_session: the PSP's answer to
// a charge, read into what the payment order does next. The properties are
// the money-safety rules of psp_outcome.hpp: an answer that may have
// charged is never read as "nothing happened", a decline always says why,
// and a request that never reached the PSP is only ever retried.

#include "domain/common/psp_outcome.hpp"
#include "fuzz/check.hpp"
#include "fuzz/psp_answer.hpp"

namespace {

using namespace pay::domain;

void check(const charge_outcome& out, const pay::fuzz::psp_answer& in) {
  FUZZ_CHECK(to_string(out.kind) != "invalid");
  if (in.transport == psp_transport::not_sent)
    FUZZ_CHECK(out.kind == charge_kind::transient && !out.may_have_charged);
  if (in.transport == psp_transport::outcome_unknown)
    FUZZ_CHECK(out.kind == charge_kind::outcome_unknown);
  if (out.kind == charge_kind::outcome_unknown)
    FUZZ_CHECK(out.may_have_charged);
  if (in.transport == psp_transport::responded && in.http_status >= 500)
    FUZZ_CHECK(out.kind == charge_kind::transient && out.may_have_charged);
  if (out.kind == charge_kind::declined) FUZZ_CHECK(!out.failure_code.empty());
  if (out.kind == charge_kind::transient || out.kind == charge_kind::rejected)
    FUZZ_CHECK(!out.failure_code.empty());
  // Only the PSP's own final word fails or completes a charge.
  if (out.kind == charge_kind::succeeded || out.kind == charge_kind::declined
      || out.kind == charge_kind::rejected) {
    FUZZ_CHECK(in.transport == psp_transport::responded);
    FUZZ_CHECK(in.http_status < 500 && in.http_status != 409
               && in.http_status != 429);
  }
  if (out.kind == charge_kind::succeeded)
    FUZZ_CHECK(in.http_status >= 200 && in.http_status < 300);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const auto in = pay::fuzz::read_psp_answer(pay::fuzz::as_text(data, size));
  check(classify_payment_intent(in.transport, in.http_status, in.body), in);
  check(classify_checkout_session(in.transport, in.http_status, in.body), in);
  return 0;
}
