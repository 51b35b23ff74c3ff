#include "pspsim/checkout_session_params.hpp"

#include "pspsim/create_params.hpp"
#include "pspsim/stripe_amounts.hpp"
#include "pspsim/web_url.hpp"

namespace pay::pspsim {
namespace {

constexpr std::string_view line_item_prefix = "line_items[";
constexpr std::string_view price_prefix = "line_items[0][price_data]";

parsed_session_params fail(std::string code, std::string message,
                           std::string param) {
  return {std::nullopt,
          {400, std::move(code), std::move(message), std::move(param)}};
}

std::optional<param_error> parse_url(const http::form_fields& fields,
                                     const std::string& name,
                                     std::string& out) {
  const auto url = http::form_value(fields, name);
  if (!url || !is_web_url(*url)) {
    return param_error{400, "url_invalid",
                       name + " must be an http:// or https:// URL.", name};
  }
  out = std::string(*url);
  return std::nullopt;
}

// "payment_intent_data[metadata][k]" -> "metadata[k]", so parse_metadata's
// limits apply to it too.
http::form_fields intent_metadata_fields(const http::form_fields& fields) {
  constexpr std::string_view prefix = "payment_intent_data[";
  http::form_fields out;
  for (const auto& [name, value] : fields) {
    if (name.rfind(std::string(prefix) + "metadata][", 0) != 0) continue;
    // Drop "payment_intent_data[" and the "]" closing it after the key.
    std::string inner = name.substr(prefix.size());
    const auto close = inner.find(']');
    inner.erase(close, 1);
    out.emplace_back(std::move(inner), value);
  }
  return out;
}

std::optional<param_error> prefix_param(std::optional<param_error> e,
                                        std::string_view prefix) {
  if (e && e->param.rfind("metadata", 0) == 0) {
    e->param = std::string(prefix) + e->param.substr(0, 8) + "]"
               + e->param.substr(8);
  }
  return e;
}

}  // namespace

std::optional<param_error> check_one_line_item(
  const http::form_fields& fields) {
  for (const auto& field : fields) {
    const std::string& name = field.first;
    if (name.rfind(line_item_prefix, 0) != 0) continue;
    if (name.compare(line_item_prefix.size(), 2, "0]") == 0) continue;
    return param_error{400, "parameter_unsupported",
                       "pspsim supports exactly one line item "
                       "(line_items[0]); got "
                         + name + ".",
                       name};
  }
  return std::nullopt;
}

parsed_session_params parse_session_params(const http::form_fields& fields) {
  session_params params;
  if (http::form_value(fields, "mode")
      != std::optional<std::string_view>("payment")) {
    return fail("parameter_unsupported", "pspsim supports mode=payment only.",
                "mode");
  }
  if (http::form_value(fields, "payment_method_types[0]")
      != std::optional<std::string_view>("card")) {
    return fail("parameter_invalid",
                "Invalid payment_method_types[0]: pspsim supports card only.",
                "payment_method_types[0]");
  }
  const std::string prefix(price_prefix);
  if (auto e = parse_currency(http::form_value(fields, prefix + "[currency]"),
                              params.currency)) {
    e->param = prefix + "[currency]";
    return {std::nullopt, std::move(*e)};
  }
  if (auto e = parse_positive_integer(
        http::form_value(fields, prefix + "[unit_amount]"),
        prefix + "[unit_amount]", params.unit_amount_minor)) {
    return {std::nullopt, std::move(*e)};
  }
  if (auto e = parse_positive_integer(
        http::form_value(fields, "line_items[0][quantity]"),
        "line_items[0][quantity]", params.quantity)) {
    return {std::nullopt, std::move(*e)};
  }
  if (params.quantity > amount_minor_max / params.unit_amount_minor) {
    return fail("amount_too_large",
                "unit_amount x quantity must be no more than 99999999999.",
                "line_items[0][quantity]");
  }
  params.amount_minor = params.unit_amount_minor * params.quantity;
  if (auto e = check_charge_amount(params.amount_minor, params.currency,
                                   prefix + "[unit_amount]")) {
    return {std::nullopt, std::move(*e)};
  }
  const auto name = http::form_value(fields, prefix + "[product_data][name]");
  if (!name || name->empty() || name->size() > product_name_chars_max) {
    return fail("parameter_invalid_string",
                "The product name must be 1 to 250 characters.",
                prefix + "[product_data][name]");
  }
  params.product_name = std::string(*name);
  if (auto e = parse_url(fields, "success_url", params.success_url)) {
    return {std::nullopt, std::move(*e)};
  }
  if (auto e = parse_url(fields, "cancel_url", params.cancel_url)) {
    return {std::nullopt, std::move(*e)};
  }
  if (const auto reference = http::form_value(fields, "client_reference_id")) {
    if (reference->empty()
        || reference->size() > client_reference_id_chars_max) {
      return fail("parameter_invalid_string",
                  "client_reference_id must be 1 to 200 characters.",
                  "client_reference_id");
    }
    params.client_reference_id = std::string(*reference);
  }
  if (const auto email = http::form_value(fields, "customer_email")) {
    if (email->find('@') == std::string_view::npos
        || email->size() > customer_email_chars_max) {
      return fail("email_invalid",
                  "Invalid email address: " + std::string(*email),
                  "customer_email");
    }
    params.customer_email = std::string(*email);
  }
  if (const auto d = http::form_value(fields,
                                      "payment_intent_data[description]")) {
    params.intent_description = std::string(*d);
  }
  if (auto e = parse_metadata(fields, params.metadata)) {
    return {std::nullopt, std::move(*e)};
  }
  if (auto e = prefix_param(parse_metadata(intent_metadata_fields(fields),
                                           params.intent_metadata),
                            "payment_intent_data[")) {
    return {std::nullopt, std::move(*e)};
  }
  return {std::move(params), {}};
}

}  // namespace pay::pspsim
