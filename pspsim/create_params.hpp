// POST /v1/payment_intents parameters: parsed from the form body into a plain
// struct, or into the precise Stripe-style error that explains why not.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "http/form.hpp"
#include "pspsim/intent.hpp"
#include "pspsim/test_cards.hpp"

namespace pay::pspsim {

constexpr std::int64_t amount_minor_max = 99'999'999'999;
// Stripe's metadata limits.
constexpr std::size_t metadata_keys_max = 50;
constexpr std::size_t metadata_key_chars_max = 40;
constexpr std::size_t metadata_value_chars_max = 500;

struct create_params {
  std::int64_t amount_minor = 0;
  std::string currency;  // lowercase
  std::string payment_method;
  card_outcome outcome = card_outcome::succeeds;
  metadata_map metadata;  // sorted by key, last value wins
  std::optional<std::string> description;
  // Set only by the hosted payment page, never from a /v1 form: the session
  // the intent pays, and that its buyer answers the 3-D Secure challenge
  // (so no timer resolves it).
  std::string checkout_session;
  bool buyer_completes_action = false;
};

struct param_error {
  unsigned http_status = 400;
  std::string code;  // "parameter_missing", "amount_too_small", ...
  std::string message;
  std::string param;  // the offending field
};

struct parsed_create_params {
  std::optional<create_params> params;  // set exactly when error is not
  param_error error;
};

// The checks shared with POST /v1/checkout/sessions; nullopt when valid.
std::optional<param_error> parse_amount(std::optional<std::string_view> raw,
                                        std::int64_t& amount_minor);
std::optional<param_error> parse_currency(std::optional<std::string_view> raw,
                                          std::string& currency);
std::optional<param_error> parse_metadata(const http::form_fields& fields,
                                          metadata_map& metadata);

// Parameters the simulator does not know are ignored (Stripe would reject
// them); they still count for idempotency comparisons.
parsed_create_params parse_create_params(const http::form_fields& fields);

}  // namespace pay::pspsim
