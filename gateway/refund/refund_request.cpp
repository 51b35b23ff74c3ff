#include "gateway/refund/refund_request.hpp"

#include <boost/json.hpp>

#include "domain/common/ids.hpp"
#include "domain/common/money.hpp"
#include "gateway/common/canonical_json.hpp"
#include "gateway/common/error_mapping.hpp"
#include "gateway/common/json_body.hpp"
#include "gateway/common/text_checks.hpp"

namespace pay::gateway {

namespace json = boost::json;

namespace {

// The currency with the most decimals we accept: an amount that does not
// parse in it is not an amount in any currency.
constexpr std::string_view widest_currency = "BHD";

std::optional<api_error> read_fields(const json::object& obj,
                                     refund_request& out) {
  if (auto err = reject_unknown_fields(obj, {"payment_order_id", "amount",
                                             "reason"}))
    return err;
  auto id = obj.find("payment_order_id");
  if (id == obj.end() || id->value().is_null())
    return invalid("parameter_missing",
                   "Missing required param: payment_order_id.",
                   "payment_order_id");
  if (!id->value().is_string())
    return invalid("parameter_invalid_type",
                   "payment_order_id must be a string.", "payment_order_id");
  out.payment_order_id = std::string{id->value().get_string()};
  if (!domain::is_valid_id(out.payment_order_id))
    return invalid("parameter_invalid",
                   "payment_order_id must be 1 to 255 printable characters "
                   "without spaces, '/', '?', '#' or '%'.",
                   "payment_order_id");
  if (auto amount = obj.find("amount");
      amount != obj.end() && !amount->value().is_null()) {
    if (!amount->value().is_string())
      return invalid("amount_not_a_string",
                     "amount must be a decimal string such as \"12.34\", "
                     "not a JSON number.",
                     "amount");
    out.amount = std::string{amount->value().get_string()};
    auto parsed = domain::parse_money(out.amount, widest_currency);
    if (parsed.error != domain::money_error::ok)
      return money_error_to_api(parsed.error, "amount", "amount");
  }
  out.reason = std::string{refund_reason_default};
  if (auto reason = obj.find("reason");
      reason != obj.end() && !reason->value().is_null()) {
    if (!reason->value().is_string())
      return invalid("parameter_invalid_type", "reason must be a string.",
                     "reason");
    out.reason = std::string{reason->value().get_string()};
    if (out.reason.empty() || utf8_chars(out.reason) > refund_reason_chars_max)
      return invalid("parameter_invalid", "reason must be 1 to 500 characters.",
                     "reason");
    if (has_control_chars(out.reason))
      return invalid("parameter_invalid",
                     "reason must not contain control characters.", "reason");
  }
  return std::nullopt;
}

}  // namespace

refund_request_parse parse_create_refund(std::string_view body) {
  auto value = parse_json_object(body);
  if (auto* err = std::get_if<api_error>(&value)) return *err;
  refund_request out;
  if (auto err = read_fields(std::get<json::object>(value), out)) return *err;
  json::object hashed{
    {"payment_order_id", out.payment_order_id},
    {"amount",
     out.amount.empty() ? json::value(nullptr) : json::value(out.amount)},
    {"reason", out.reason},
  };
  out.request_hash = sha256_hex(canonical_json(hashed));
  return out;
}

}  // namespace pay::gateway
