#include "pspsim/checkout_session_params.hpp"

#include <algorithm>
#include <string>

#include "pspsim/create_params.hpp"
#include "pspsim/stripe_amounts.hpp"
#include "pspsim/web_url.hpp"

namespace pay::pspsim {
namespace {

constexpr std::string_view line_item_prefix = "line_items[";

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

// How many lines were sent: one more than the highest index (the
// allow-list made sure every line below it is complete).
std::size_t line_count(const http::form_fields& fields) {
  std::size_t count = 1;
  for (const auto& field : fields) {
    const std::string& name = field.first;
    if (name.rfind(line_item_prefix, 0) != 0) continue;
    const std::size_t close = name.find(']', line_item_prefix.size());
    const std::string index = name.substr(line_item_prefix.size(),
                                          close - line_item_prefix.size());
    count = std::max(count, static_cast<std::size_t>(std::stoul(index)) + 1);
  }
  return count;
}

std::string line_param(std::size_t i, std::string_view rest) {
  return std::string(line_item_prefix) + std::to_string(i) + "]"
         + std::string(rest);
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
  const std::size_t lines = line_count(fields);
  if (lines > line_items_max) {
    return fail("parameter_invalid",
                "A checkout session takes at most 100 line items.",
                "line_items");
  }
  for (std::size_t i = 0; i < lines; ++i) {
    line_item line;
    const std::string currency_param = line_param(i, "[price_data][currency]");
    std::string currency;
    if (auto e = parse_currency(http::form_value(fields, currency_param),
                                currency)) {
      e->param = currency_param;
      return {std::nullopt, std::move(*e)};
    }
    if (i == 0) {
      params.currency = currency;
    } else if (currency != params.currency) {
      return fail("parameter_invalid",
                  "All line items must have the same currency ("
                    + params.currency + ").",
                  currency_param);
    }
    const std::string unit_param = line_param(i, "[price_data][unit_amount]");
    if (auto e = parse_positive_integer(http::form_value(fields, unit_param),
                                        unit_param, line.unit_amount_minor)) {
      return {std::nullopt, std::move(*e)};
    }
    const std::string quantity_param = line_param(i, "[quantity]");
    if (auto e = parse_positive_integer(http::form_value(fields,
                                                         quantity_param),
                                        quantity_param, line.quantity)) {
      return {std::nullopt, std::move(*e)};
    }
    const std::int64_t room = amount_minor_max - params.amount_minor;
    if (line.quantity > room / line.unit_amount_minor) {
      return fail("amount_too_large",
                  "The line items' unit_amount x quantity must add up to no "
                  "more than 99999999999.",
                  quantity_param);
    }
    params.amount_minor += line.unit_amount_minor * line.quantity;
    params.line_items.push_back(std::move(line));
  }
  if (auto e = check_charge_amount(params.amount_minor, params.currency,
                                   line_param(0,
                                              "[price_data][unit_amount]"))) {
    return {std::nullopt, std::move(*e)};
  }
  for (std::size_t i = 0; i < lines; ++i) {
    const std::string name_param = line_param(
      i, "[price_data][product_data][name]");
    const auto name = http::form_value(fields, name_param);
    if (!name || name->empty() || name->size() > product_name_chars_max) {
      return fail("parameter_invalid_string",
                  "The product name must be 1 to 250 characters.", name_param);
    }
    params.line_items[i].name = std::string(*name);
  }
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
