// parse_webhook_event: a PSP event body (after its signature passed) ->
// the event id, its type and which of our orders or pay-outs it is about.
// An accepted event has a valid id and a type, and names at most one of
// ours, each a valid id: these end up in SQL keys and log lines.

#include "gateway/payin/webhook_event.hpp"
#include "domain/common/ids.hpp"
#include "fuzz/check.hpp"
#include "fuzz/input.hpp"

using namespace pay;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const auto parsed = gateway::parse_webhook_event(
    pay::fuzz::as_text(data, size));
  if (const auto* err = std::get_if<gateway::api_error>(&parsed)) {
    FUZZ_CHECK(err->http_status == 400 && !err->code.empty());
    return 0;
  }
  const auto& event = std::get<gateway::webhook_event>(parsed);
  FUZZ_CHECK(domain::is_valid_id(event.id));
  FUZZ_CHECK(!event.type.empty());
  FUZZ_CHECK(event.payment_order_id.empty() || event.payout_id.empty());
  if (!event.payment_order_id.empty())
    FUZZ_CHECK(domain::is_valid_id(event.payment_order_id));
  if (!event.payout_id.empty()) {
    FUZZ_CHECK(domain::is_valid_id(event.payout_id));
    FUZZ_CHECK(event.type.rfind("payout.", 0) == 0);
  }
  return 0;
}
