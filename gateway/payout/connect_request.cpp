#include "gateway/payout/connect_request.hpp"

#include <optional>

#include <boost/json.hpp>

#include "domain/common/ids.hpp"
#include "gateway/common/json_body.hpp"
#include "gateway/common/text_checks.hpp"

namespace pay::gateway {

namespace json = boost::json;

namespace {

// The field as a string, "" when absent or null, or the error.
std::variant<std::string, api_error> string_field(const json::object& obj,
                                                  std::string_view name) {
  auto it = obj.find(name);
  if (it == obj.end() || it->value().is_null()) return std::string{};
  if (!it->value().is_string())
    return invalid("parameter_invalid_type",
                   std::string{name} + " must be a string.", std::string{name});
  return std::string{it->value().get_string()};
}

std::optional<api_error> read_fields(const json::object& obj,
                                     connect_request& out) {
  if (auto err = reject_unknown_fields(obj,
                                       {"stripe_account", "country", "email"}))
    return err;
  std::string* targets[] = {&out.stripe_account, &out.country, &out.email};
  const char* names[] = {"stripe_account", "country", "email"};
  for (std::size_t i = 0; i < 3; ++i) {
    auto value = string_field(obj, names[i]);
    if (auto* err = std::get_if<api_error>(&value)) return *err;
    *targets[i] = std::get<std::string>(std::move(value));
  }
  if (!out.stripe_account.empty()) {
    if (!domain::is_stripe_account_id(out.stripe_account))
      return invalid("parameter_invalid",
                     "stripe_account must be a Stripe account id: acct_ "
                     "followed by letters, digits or '_'.",
                     "stripe_account");
    if (!out.country.empty() || !out.email.empty())
      return invalid("parameter_unexpected",
                     "country and email describe a new account; an existing "
                     "one is linked by stripe_account alone.",
                     out.country.empty() ? "email" : "country");
  }
  if (!out.country.empty() && !domain::is_country_code(out.country))
    return invalid("parameter_invalid",
                   "country must be an ISO 3166-1 alpha-2 code such as "
                   "\"US\".",
                   "country");
  if (!out.email.empty()
      && (out.email.size() > connect_email_chars_max
          || has_control_chars(out.email)
          || out.email.find('@') == std::string::npos))
    return invalid("parameter_invalid",
                   "email must be an e-mail address of at most 254 "
                   "characters.",
                   "email");
  return std::nullopt;
}

}  // namespace

std::variant<connect_request, api_error> parse_connect_request(
  std::string_view body) {
  connect_request out;
  if (body.empty()) return out;  // create one, with the defaults
  auto value = parse_json_object(body);
  if (auto* err = std::get_if<api_error>(&value)) return *err;
  if (auto err = read_fields(std::get<json::object>(value), out)) return *err;
  return out;
}

}  // namespace pay::gateway
