#include "gateway/payin/create_payment_request.hpp"

#include <optional>
#include <set>

#include <boost/json.hpp>

#include "domain/common/money.hpp"
#include "gateway/common/canonical_json.hpp"
#include "gateway/common/error_mapping.hpp"
#include "gateway/common/json_body.hpp"
#include "gateway/payin/buyer_info_checks.hpp"

namespace pay::gateway {

namespace json = boost::json;

namespace {

// Each step either fills its output or returns the error for `param`.
using check = std::optional<api_error>;

check read_id(const json::object& obj, std::string_view key,
              const std::string& param, std::string& out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->value().is_null())
    return invalid("parameter_missing",
                   "Missing required param: " + param + ".", param);
  if (!it->value().is_string())
    return invalid("parameter_invalid_type", param + " must be a string.",
                   param);
  out = std::string{it->value().get_string()};
  if (!domain::is_valid_id(out))
    return invalid("parameter_invalid",
                   param + " must be 1 to 255 printable characters without "
                           "spaces, '/', '?', '#' or '%'.",
                   param);
  return std::nullopt;
}

// An id the PSP must carry: refused here, with the caller's own limit, what
// the PSP would refuse after the checkout was accepted.
check read_psp_id(const json::object& obj, std::string_view key,
                  const std::string& param, std::size_t chars_max,
                  std::string& out) {
  if (auto err = read_id(obj, key, param, out)) return err;
  if (out.size() > chars_max)
    return invalid("parameter_too_long",
                   param + " must be at most " + std::to_string(chars_max)
                     + " characters: the PSP carries it with the payment.",
                   param);
  return std::nullopt;
}

check read_object(const json::object& obj, std::string_view key,
                  const std::string& param, const json::object*& out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->value().is_null())
    return invalid("parameter_missing",
                   "Missing required param: " + param + ".", param);
  if (!it->value().is_object())
    return invalid("parameter_invalid_type", param + " must be an object.",
                   param);
  out = &it->value().get_object();
  return std::nullopt;
}

check read_order(const json::value& item, std::size_t index,
                 std::size_t psp_id_chars_max, order_line& out) {
  auto prefix = "payment_orders[" + std::to_string(index) + "]";
  if (!item.is_object())
    return invalid("parameter_invalid_type", prefix + " must be an object.",
                   prefix);
  const auto& obj = item.get_object();
  if (auto err = reject_unknown_fields(
        obj, {"payment_order_id", "seller_account", "amount", "currency"},
        prefix + "."))
    return err;
  if (auto err = read_psp_id(obj, "payment_order_id",
                             prefix + ".payment_order_id", psp_id_chars_max,
                             out.id.value))
    return err;
  if (auto err = read_psp_id(obj, "seller_account", prefix + ".seller_account",
                             psp_id_chars_max, out.seller.value))
    return err;
  auto amount_param = prefix + ".amount";
  auto currency_param = prefix + ".currency";
  auto amount = obj.find("amount");
  if (amount == obj.end() || amount->value().is_null())
    return invalid("parameter_missing",
                   "Missing required param: " + amount_param + ".",
                   amount_param);
  if (!amount->value().is_string())
    // A JSON number may already have been rounded by the client's parser;
    // money travels as a decimal string so nothing is lost on the way.
    return invalid("amount_not_a_string",
                   amount_param + " must be a decimal string such as "
                                  "\"12.34\", not a JSON number.",
                   amount_param);
  auto currency = obj.find("currency");
  if (currency == obj.end() || currency->value().is_null())
    return invalid("parameter_missing",
                   "Missing required param: " + currency_param + ".",
                   currency_param);
  if (!currency->value().is_string())
    return invalid("parameter_invalid_type",
                   currency_param + " must be a string.", currency_param);
  auto parsed = domain::parse_money(amount->value().get_string(),
                                    currency->value().get_string());
  if (parsed.error != domain::money_error::ok)
    return money_error_to_api(parsed.error, amount_param, currency_param);
  if (auto psp = domain::psp_amount_error(parsed.value);
      psp != domain::money_error::ok)
    return money_error_to_api(psp, amount_param, currency_param);
  out.amount_minor = parsed.value.amount_minor;
  out.currency = std::string{parsed.value.currency.code};
  return std::nullopt;
}

constexpr std::size_t return_url_length_max = 2048;

// An absolute http(s) URL with a host and no whitespace or control
// characters: the PSP sends the buyer there.
bool is_return_url(std::string_view url) {
  std::string_view rest;
  if (url.substr(0, 7) == "http://")
    rest = url.substr(7);
  else if (url.substr(0, 8) == "https://")
    rest = url.substr(8);
  else
    return false;
  if (rest.empty() || rest[0] == '/' || rest[0] == '?' || rest[0] == '#')
    return false;
  for (unsigned char c : url)
    if (c <= 0x20 || c == 0x7f) return false;
  return url.size() <= return_url_length_max;
}

std::optional<api_error> read_return_url(const json::object& card,
                                         new_checkout& out) {
  auto url = card.find("return_url");
  if (url == card.end() || url->value().is_null())
    return invalid("parameter_missing",
                   "Missing required param: credit_card_info.return_url.",
                   "credit_card_info.return_url");
  if (!url->value().is_string() || !is_return_url(url->value().get_string()))
    return invalid("parameter_invalid",
                   "credit_card_info.return_url must be an absolute http or "
                   "https URL of at most 2048 characters.",
                   "credit_card_info.return_url");
  out.return_url = std::string{url->value().get_string()};
  return std::nullopt;
}

// credit_card_info: {"psp_token": "...", "return_url": "https://..."} (the
// return_url, optional, is where the buyer comes back after 3-D Secure;
// without it such a card is declined) or, for the PSP's hosted payment
// page, {"hosted": true, "return_url": "https://..."}.
std::optional<api_error> read_payment_method(const json::object& card,
                                             new_checkout& out) {
  if (!card.contains("hosted")) {
    if (auto err = reject_unknown_fields(card, {"psp_token", "return_url"},
                                         "credit_card_info."))
      return err;
    if (auto err = read_id(card, "psp_token", "credit_card_info.psp_token",
                           out.psp_token))
      return err;
    if (!card.contains("return_url")) return std::nullopt;
    return read_return_url(card, out);
  }
  if (auto err = reject_unknown_fields(card, {"hosted", "return_url"},
                                       "credit_card_info."))
    return err;
  if (!card.at("hosted").is_bool() || !card.at("hosted").get_bool())
    return invalid("parameter_invalid",
                   "credit_card_info.hosted must be true; omit it to pay "
                   "with a psp_token.",
                   "credit_card_info.hosted");
  return read_return_url(card, out);
}

// "capture": "immediate" (the default) or "on_fulfillment": authorize now,
// capture when each order is fulfilled. The hosted page captures at once
// (the buyer pays there, and Stripe's Checkout runs its own fraud checks).
std::optional<api_error> read_capture(const json::object& obj,
                                      new_checkout& out) {
  auto it = obj.find("capture");
  if (it == obj.end() || it->value().is_null()) return std::nullopt;
  const auto* text = it->value().if_string();
  if (!text || (*text != "immediate" && *text != "on_fulfillment"))
    return invalid("parameter_invalid",
                   "capture must be \"immediate\" or \"on_fulfillment\".",
                   "capture");
  out.capture_on_fulfillment = *text == "on_fulfillment";
  if (out.capture_on_fulfillment && out.psp_token.empty())
    return invalid("capture_unsupported",
                   "A hosted-page checkout is captured at once; capture on "
                   "fulfilment needs a card token.",
                   "capture");
  return std::nullopt;
}

json::value hashed_form(const new_checkout& c, const json::object& buyer) {
  json::array orders;
  for (const auto& o : c.orders)
    orders.push_back(json::object{{"payment_order_id", o.id.value},
                                  {"seller_account", o.seller.value},
                                  {"amount_minor", o.amount_minor},
                                  {"currency", o.currency}});
  json::object form{{"checkout_id", c.id.value},
                    {"buyer_info", buyer},
                    {"psp_token", c.psp_token},
                    {"payment_orders", std::move(orders)}};
  // Only requests that carry it hash it, so older requests hash as they
  // always did.
  if (!c.return_url.empty()) form["return_url"] = c.return_url;
  if (c.capture_on_fulfillment) form["capture"] = "on_fulfillment";
  return form;
}

}  // namespace

create_payment_parse parse_create_payment(std::string_view body,
                                          const create_payment_limits& limits) {
  auto root = parse_json_object(body);
  if (auto* err = std::get_if<api_error>(&root)) return *err;
  const auto& obj = std::get<json::object>(root);
  if (auto err = reject_unknown_fields(obj,
                                       {"checkout_id", "buyer_info",
                                        "credit_card_info", "payment_orders",
                                        "capture"},
                                       ""))
    return *err;
  new_checkout out;
  if (auto err = read_psp_id(obj, "checkout_id", "checkout_id",
                             limits.psp_id_chars_max, out.id.value))
    return *err;
  const json::object* buyer = nullptr;
  if (auto err = read_object(obj, "buyer_info", "buyer_info", buyer))
    return *err;
  const json::object* card = nullptr;
  if (auto err = read_object(obj, "credit_card_info", "credit_card_info", card))
    return *err;
  if (auto err = read_payment_method(*card, out)) return *err;
  if (auto err = read_capture(obj, out)) return *err;
  auto orders = obj.find("payment_orders");
  if (orders == obj.end() || orders->value().is_null())
    return invalid("parameter_missing",
                   "Missing required param: payment_orders.", "payment_orders");
  if (!orders->value().is_array())
    return invalid("parameter_invalid_type", "payment_orders must be an array.",
                   "payment_orders");
  const auto& items = orders->value().get_array();
  if (items.empty())
    return invalid("parameter_invalid_empty",
                   "payment_orders must hold at least one order.",
                   "payment_orders");
  if (items.size() > limits.orders_per_checkout_max)
    return invalid("too_many_payment_orders",
                   "A checkout holds at most "
                     + std::to_string(limits.orders_per_checkout_max)
                     + " payment orders.",
                   "payment_orders");
  std::set<std::string> seen;
  for (std::size_t i = 0; i < items.size(); ++i) {
    order_line line;
    if (auto err = read_order(items[i], i, limits.psp_id_chars_max, line))
      return *err;
    if (!seen.insert(line.id.value).second)
      return invalid("duplicate_payment_order_id",
                     "payment_order_id " + line.id.value
                       + " appears twice in this checkout.",
                     "payment_orders[" + std::to_string(i)
                       + "].payment_order_id");
    out.orders.push_back(std::move(line));
  }
  out.buyer_info_json = canonical_json(*buyer);
  if (auto err = check_buyer_info(
        *buyer, out.buyer_info_json.size(),
        buyer_info_limits{limits.buyer_info_bytes_max,
                          limits.buyer_info_members_max}))
    return *err;
  out.request_hash = sha256_hex(canonical_json(hashed_form(out, *buyer)));
  return out;
}

}  // namespace pay::gateway
