// parse_create_refund: POST /v1/refunds, JSON text -> refund_request. An
// accepted request has a valid order id, an amount that is empty or a
// decimal some currency takes, a bounded reason and a 64-hex hash; the
// same JSON written another way hashes the same.

#include <string>

#include <boost/json.hpp>

#include "domain/common/ids.hpp"
#include "domain/common/money.hpp"
#include "fuzz/check.hpp"
#include "fuzz/input.hpp"
#include "fuzz/json_respelled.hpp"
#include "gateway/refund/refund_request.hpp"

namespace {

namespace json = boost::json;
using namespace pay;
using gateway::api_error;
using gateway::refund_request;

void check_accepted(const refund_request& r) {
  FUZZ_CHECK(domain::is_valid_id(r.payment_order_id));
  if (!r.amount.empty())
    FUZZ_CHECK(domain::parse_money(r.amount, "BHD").error
               == domain::money_error::ok);
  FUZZ_CHECK(!r.reason.empty()
             && r.reason.size() <= gateway::refund_reason_chars_max);
  FUZZ_CHECK(is_sha256_hex(r.request_hash));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const std::string_view body = pay::fuzz::as_text(data, size);
  const auto parsed = gateway::parse_create_refund(body);
  if (const auto* err = std::get_if<api_error>(&parsed)) {
    FUZZ_CHECK(err->http_status >= 400 && err->http_status < 500);
    FUZZ_CHECK(!err->code.empty() && !err->message.empty());
  } else {
    check_accepted(std::get<refund_request>(parsed));
  }

  if (!fuzz::is_json(body)) {
    FUZZ_CHECK(std::holds_alternative<api_error>(parsed));
    return 0;
  }
  const auto respelled = fuzz::json_respelled(body);
  if (!respelled) return 0;
  const auto& rewritten = *respelled;
  const auto again = gateway::parse_create_refund(rewritten);
  FUZZ_CHECK(parsed.index() == again.index());
  if (const auto* first = std::get_if<refund_request>(&parsed)) {
    const auto& second = std::get<refund_request>(again);
    FUZZ_CHECK(first->request_hash == second.request_hash);
    FUZZ_CHECK(first->payment_order_id == second.payment_order_id);
    FUZZ_CHECK(first->amount == second.amount
               && first->reason == second.reason);
  }
  return 0;
}
