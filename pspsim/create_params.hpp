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
};

struct param_error {
  unsigned http_status = 400;
  std::string code;     // "parameter_missing", "amount_too_small", ...
  std::string message;
  std::string param;    // the offending field
};

struct parsed_create_params {
  std::optional<create_params> params;  // set exactly when error is not
  param_error error;
};

// Parameters the simulator does not know are ignored (Stripe would reject
// them); they still count for idempotency comparisons.
parsed_create_params parse_create_params(const http::form_fields& fields);

}  // namespace pay::pspsim
