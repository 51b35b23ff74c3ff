#include "pspsim/create_params.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include "pspsim/stripe_amounts.hpp"
#include "pspsim/web_url.hpp"

namespace pay::pspsim {
namespace {

parsed_create_params fail(std::string code, std::string message,
                          std::string param) {
  return {std::nullopt,
          {400, std::move(code), std::move(message), std::move(param)}};
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return c >= '0' && c <= '9';
  });
}

}  // namespace

// Only whole positive numbers: no sign, no decimal point.
std::optional<param_error> parse_positive_integer(
  std::optional<std::string_view> raw, std::string_view param,
  std::int64_t& out) {
  const std::string name(param);
  if (!raw) {
    return param_error{400, "parameter_missing",
                       "Missing required param: " + name + ".", name};
  }
  if (!all_digits(*raw)) {
    return param_error{400, "parameter_invalid_integer",
                       "Invalid integer: " + std::string(*raw), name};
  }
  std::string_view digits = *raw;
  while (digits.size() > 1 && digits.front() == '0') digits.remove_prefix(1);
  // 12 digits cannot overflow int64 and already exceed the maximum.
  if (digits.size() > 12) digits = "999999999999";
  const std::int64_t value = std::stoll(std::string(digits));
  if (value <= 0) {
    return param_error{400, "amount_too_small", name + " must be at least 1.",
                       name};
  }
  if (value > amount_minor_max) {
    return param_error{400, "amount_too_large",
                       name + " must be no more than 99999999999.", name};
  }
  out = value;
  return std::nullopt;
}

std::optional<param_error> parse_amount(std::optional<std::string_view> raw,
                                        std::int64_t& amount_minor) {
  return parse_positive_integer(raw, "amount", amount_minor);
}

std::optional<param_error> parse_boolean(std::optional<std::string_view> raw,
                                         std::string_view param, bool& out) {
  if (!raw || (*raw != "true" && *raw != "false")) {
    return param_error{400, "parameter_invalid_boolean",
                       "Invalid boolean: " + std::string(raw.value_or("")),
                       std::string(param)};
  }
  out = *raw == "true";
  return std::nullopt;
}

std::optional<param_error> parse_currency(std::optional<std::string_view> raw,
                                          std::string& currency) {
  if (!raw)
    return param_error{400, "parameter_missing",
                       "Missing required param: currency.", "currency"};
  const bool three_letters =
    raw->size() == 3 && std::all_of(raw->begin(), raw->end(), [](char c) {
      return std::isalpha(static_cast<unsigned char>(c)) != 0;
    });
  if (!three_letters) {
    return param_error{400, "parameter_invalid_currency",
                       "Invalid currency: " + std::string(*raw)
                         + ". Currency must be a three-letter ISO code.",
                       "currency"};
  }
  currency.clear();
  for (char c : *raw) {
    currency.push_back(
      static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return std::nullopt;
}

std::optional<param_error> parse_metadata(const http::form_fields& fields,
                                          metadata_map& metadata) {
  static constexpr std::string_view prefix = "metadata[";
  std::map<std::string, std::string> by_key;
  for (const auto& [name, value] : fields) {
    if (name.rfind(prefix, 0) != 0) continue;
    if (name.back() != ']' || name.size() == prefix.size() + 1) {
      return param_error{400, "parameter_invalid_metadata",
                         "Invalid metadata key in " + name, name};
    }
    std::string key = name.substr(prefix.size(),
                                  name.size() - prefix.size() - 1);
    if (key.size() > metadata_key_chars_max) {
      return param_error{400, "parameter_invalid_metadata",
                         "Metadata keys can be at most 40 characters.", name};
    }
    if (value.size() > metadata_value_chars_max) {
      return param_error{400, "parameter_invalid_metadata",
                         "Metadata values can be at most 500 characters.",
                         name};
    }
    by_key[std::move(key)] = value;
    if (by_key.size() > metadata_keys_max) {
      return param_error{400, "parameter_invalid_metadata",
                         "Metadata can have at most 50 keys.", "metadata"};
    }
  }
  metadata.assign(by_key.begin(), by_key.end());
  return std::nullopt;
}

// Next to its parser: what is parsed is spelled back the same way.
std::string_view to_string(capture_method method) {
  switch (method) {
    case capture_method::automatic:
      return "automatic";
    case capture_method::automatic_async:
      return "automatic_async";
    case capture_method::manual:
      return "manual";
  }
  return "automatic";
}

std::optional<param_error> parse_capture_method(
  std::optional<std::string_view> raw, capture_method& out) {
  if (!raw) return std::nullopt;  // Stripe's default: automatic
  for (const auto method :
       {capture_method::automatic, capture_method::automatic_async,
        capture_method::manual}) {
    if (*raw == to_string(method)) {
      out = method;
      return std::nullopt;
    }
  }
  return param_error{400, "parameter_invalid",
                     "Invalid capture_method: must be one of automatic, "
                     "automatic_async, or manual",
                     "capture_method"};
}

parsed_create_params parse_create_params(const http::form_fields& fields) {
  create_params params;
  if (auto error = parse_amount(http::form_value(fields, "amount"),
                                params.amount_minor)) {
    return {std::nullopt, std::move(*error)};
  }
  if (auto error = parse_currency(http::form_value(fields, "currency"),
                                  params.currency)) {
    return {std::nullopt, std::move(*error)};
  }
  if (auto error = check_charge_amount(params.amount_minor, params.currency,
                                       "amount")) {
    return {std::nullopt, std::move(*error)};
  }

  const auto payment_method = http::form_value(fields, "payment_method");
  if (!payment_method) {
    return fail("parameter_missing", "Missing required param: payment_method.",
                "payment_method");
  }
  const auto token = find_test_token(*payment_method);
  if (!token) {
    return fail("resource_missing",
                "No such PaymentMethod: '" + std::string(*payment_method) + "'",
                "payment_method");
  }
  params.payment_method = std::string(*payment_method);
  params.outcome = token->outcome;
  params.refunds = token->refunds;
  params.card = token->card;
  if (auto error = parse_capture_method(
        http::form_value(fields, "capture_method"), params.capture)) {
    return {std::nullopt, std::move(*error)};
  }

  if (const auto type = http::form_value(fields, "payment_method_types[0]");
      type && *type != "card") {
    return fail("parameter_invalid",
                "Invalid payment_method_types[0]: pspsim supports card only.",
                "payment_method_types[0]");
  }

  bool confirm = false;
  if (!http::form_value(fields, "confirm")) {
    return fail("parameter_missing",
                "Missing required param: confirm (pspsim needs confirm=true).",
                "confirm");
  }
  if (auto error = parse_boolean(http::form_value(fields, "confirm"), "confirm",
                                 confirm)) {
    return {std::nullopt, std::move(*error)};
  }
  if (!confirm) {
    return fail("parameter_unsupported",
                "pspsim only creates and confirms in one step: send "
                "confirm=true.",
                "confirm");
  }

  if (const auto raw = http::form_value(fields, "error_on_requires_action")) {
    if (auto error = parse_boolean(raw, "error_on_requires_action",
                                   params.error_on_requires_action)) {
      return {std::nullopt, std::move(*error)};
    }
  }
  if (params.error_on_requires_action
      && params.outcome == card_outcome::three_ds_required) {
    params.outcome = card_outcome::declined_authentication_required;
  }
  if (const auto return_url = http::form_value(fields, "return_url")) {
    if (!is_web_url(*return_url)) {
      return fail("url_invalid",
                  "return_url must be an http:// or https:// URL.",
                  "return_url");
    }
    params.return_url = std::string(*return_url);
  }

  if (auto error = parse_metadata(fields, params.metadata)) {
    return {std::nullopt, std::move(*error)};
  }
  if (const auto description = http::form_value(fields, "description")) {
    params.description = std::string(*description);
  }
  return {std::move(params), {}};
}

}  // namespace pay::pspsim
