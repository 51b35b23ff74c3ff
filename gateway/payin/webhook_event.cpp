#include "gateway/payin/webhook_event.hpp"

#include <boost/json.hpp>

#include "domain/common/ids.hpp"

namespace pay::gateway {

namespace json = boost::json;

namespace {

const json::object* object_at(const json::object& obj, std::string_view key) {
  auto it = obj.find(key);
  return it != obj.end() && it->value().is_object() ? &it->value().get_object()
                                                    : nullptr;
}

std::string string_at(const json::object* obj, std::string_view key) {
  if (obj == nullptr) return {};
  auto it = obj->find(key);
  return it != obj->end() && it->value().is_string()
           ? std::string{it->value().get_string()}
           : std::string{};
}

api_error bad_event(std::string message, std::string param) {
  return invalid("invalid_event", std::move(message), std::move(param));
}

}  // namespace

std::variant<webhook_event, api_error> parse_webhook_event(
  std::string_view body) {
  boost::system::error_code ec;
  auto root = json::parse(json::string_view{body.data(), body.size()}, ec);
  if (ec || !root.is_object())
    return bad_event("The event is not a JSON object.", "");
  const auto& event = root.get_object();
  webhook_event out;
  out.id = string_at(&event, "id");
  if (out.id.empty() || !domain::is_valid_id(out.id))
    return bad_event("The event has no valid id.", "id");
  out.type = string_at(&event, "type");
  if (out.type.empty()) return bad_event("The event has no type.", "type");
  const auto* object = object_at(event, "data");
  object = object ? object_at(*object, "object") : nullptr;
  if (object == nullptr)
    return bad_event("The event has no data.object.", "data.object");
  const auto* metadata = object_at(*object, "metadata");
  out.account = string_at(&event, "account");
  if (!out.account.empty() && !domain::is_stripe_account_id(out.account))
    return bad_event("The event's account is not an acct_ id.", "account");
  if (out.type.rfind("payout.", 0) == 0) {
    auto payout = string_at(metadata, "payout_id");
    if (!payout.empty() && domain::is_valid_id(payout))
      out.payout_id = std::move(payout);
    return out;
  }
  if (!out.account.empty()) return out;
  if (out.type.rfind("refund.", 0) == 0
      || out.type.rfind("charge.refund.", 0) == 0) {
    auto refund = string_at(metadata, "refund_id");
    if (!refund.empty() && domain::is_valid_id(refund))
      out.refund_id = std::move(refund);
    return out;
  }
  auto order = string_at(metadata, "payment_order_id");
  if (order.empty()) order = string_at(object, "client_reference_id");
  if (!order.empty() && domain::is_valid_id(order))
    out.payment_order_id = std::move(order);
  return out;
}

}  // namespace pay::gateway
