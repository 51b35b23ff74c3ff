#include "domain/payout/account_outcome.hpp"

#include <boost/json.hpp>

#include "domain/common/ids.hpp"
#include "domain/common/json_fields.hpp"

namespace pay::domain {

namespace {

account_outcome unavailable(std::string message) {
  return account_outcome{account_kind::unavailable, {}, std::move(message)};
}

}  // namespace

account_outcome classify_account(psp_transport transport, unsigned http_status,
                                 std::string_view body) {
  if (transport != psp_transport::responded)
    return unavailable("no answer from the PSP");
  if (http_status == 404) return account_outcome{account_kind::missing, {}, {}};
  boost::system::error_code ec;
  auto parsed = boost::json::parse(body, ec);
  if (ec || !parsed.is_object())
    return unavailable("the PSP's answer is not JSON");
  const auto& obj = parsed.get_object();
  if (http_status >= 200 && http_status < 300) {
    auto id = string_at(obj, "id");
    if (string_at(obj, "object") != "account" || !is_stripe_account_id(id))
      return unavailable("the PSP's answer is not an account");
    return account_outcome{account_kind::found, std::move(id), {}};
  }
  // 401/403 are our credentials, 409/429 a busy or concurrent request: none
  // says anything about the seller.
  if (http_status >= 400 && http_status < 500 && http_status != 401
      && http_status != 403 && http_status != 409 && http_status != 429) {
    std::string message = "the PSP refused the account";
    if (auto it = obj.find("error");
        it != obj.end() && it->value().is_object()) {
      auto text = string_at(it->value().get_object(), "message");
      if (!text.empty()) message = std::move(text);
    }
    return account_outcome{account_kind::refused, {}, std::move(message)};
  }
  return unavailable("the PSP answered " + std::to_string(http_status));
}

}  // namespace pay::domain
