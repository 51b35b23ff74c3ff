// parse_connect_request: POST /v1/sellers/{seller}/connected_account, JSON
// text -> what to link or create. An accepted request links a well-formed
// acct_ id alone, or creates with an optional two-letter country and an
// optional bounded e-mail; the same JSON written another way reads the same.

#include <string>

#include "domain/common/ids.hpp"
#include "fuzz/check.hpp"
#include "fuzz/input.hpp"
#include "fuzz/json_respelled.hpp"
#include "gateway/payout/connect_request.hpp"

namespace {

using namespace pay;
using gateway::api_error;
using gateway::connect_request;

void check_accepted(const connect_request& r) {
  if (!r.stripe_account.empty()) {
    FUZZ_CHECK(domain::is_stripe_account_id(r.stripe_account));
    FUZZ_CHECK(r.country.empty() && r.email.empty());
  }
  if (!r.country.empty()) FUZZ_CHECK(domain::is_country_code(r.country));
  if (!r.email.empty())
    FUZZ_CHECK(r.email.size() <= gateway::connect_email_chars_max
               && r.email.find('@') != std::string::npos);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const std::string_view body = pay::fuzz::as_text(data, size);
  const auto parsed = gateway::parse_connect_request(body);
  if (const auto* err = std::get_if<api_error>(&parsed)) {
    FUZZ_CHECK(err->http_status >= 400 && err->http_status < 500);
    FUZZ_CHECK(!err->code.empty() && !err->message.empty());
  } else {
    check_accepted(std::get<connect_request>(parsed));
  }

  if (body.empty()) return 0;  // an empty body is "create, with defaults"
  if (!fuzz::is_json(body)) {
    FUZZ_CHECK(std::holds_alternative<api_error>(parsed));
    return 0;
  }
  const auto respelled = fuzz::json_respelled(body);
  if (!respelled) return 0;
  const auto again = gateway::parse_connect_request(*respelled);
  FUZZ_CHECK(parsed.index() == again.index());
  if (const auto* first = std::get_if<connect_request>(&parsed)) {
    const auto& second = std::get<connect_request>(again);
    FUZZ_CHECK(first->stripe_account == second.stripe_account
               && first->country == second.country
               && first->email == second.email);
  }
  return 0;
}
