#include "gateway/reconcile/resolve_request.hpp"

#include <boost/json.hpp>

namespace pay::gateway {

namespace json = boost::json;

namespace {

constexpr std::size_t reason_length_max = 1000;
// Account names: our fixed accounts, or seller_payable: and a seller id.
constexpr std::size_t account_length_max = 300;

api_error reason_missing() {
  return invalid("parameter_missing",
                 "Body must be a JSON object with a non-empty string "
                 "\"reason\" of at most 1000 characters.",
                 "reason");
}

}  // namespace

std::variant<resolve_request, api_error> parse_resolve_request(
  std::string_view body) {
  boost::system::error_code ec;
  auto parsed = json::parse(json::string_view{body.data(), body.size()}, ec);
  if (ec || !parsed.is_object()) return reason_missing();
  resolve_request out;
  const json::value* reason = nullptr;
  for (const auto& field : parsed.get_object()) {
    if (field.key() == "reason") {
      reason = &field.value();
    } else if (field.key() == "account") {
      const auto& account = field.value();
      if (!account.is_string() || account.get_string().empty()
          || account.get_string().size() > account_length_max)
        return invalid("parameter_invalid",
                       "account must be the name of a ledger account, e.g. "
                       "\"psp_receivable\".",
                       "account");
      out.account = std::string{account.get_string()};
    } else {
      return invalid("parameter_unknown",
                     "Unknown parameter: " + std::string{field.key()},
                     std::string{field.key()});
    }
  }
  if (reason == nullptr || !reason->is_string() || reason->get_string().empty()
      || reason->get_string().size() > reason_length_max)
    return reason_missing();
  out.reason = std::string{reason->get_string()};
  return out;
}

}  // namespace pay::gateway
