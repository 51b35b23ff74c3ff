// POST /v1/payment_intents parameters: parsed from the form body into a plain
// struct, or into the precise Stripe-style error that explains why not.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "http/form.hpp"
#include "pspsim/intent.hpp"
#include "pspsim/param_error.hpp"
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
  card_profile card;
  capture_method capture = capture_method::automatic;
  metadata_map metadata;  // sorted by key, last value wins
  std::optional<std::string> description;
  // With return_url a 3-D Secure card answers next_action redirect_to_url:
  // a page at <action_page_base>/authenticate/<id> (action_page_base is
  // pspsim's base URL as the caller reached it).
  std::string return_url;
  std::string action_page_base;
  bool error_on_requires_action = false;
  refund_behaviour refunds = refund_behaviour::normal;
  // expand[]=latest_charge: the answer shows the whole charge.
  bool expand_charge = false;
  // Set only by the hosted payment page, never from a /v1 form: the session
  // the intent pays, that its buyer answers the 3-D Secure challenge (so no
  // timer resolves it), and the key the charge is recorded under in
  // /sim/charges, /sim/idempotency_keys and settlement lines (the session's
  // client_reference_id) when it is not the Idempotency-Key itself.
  std::string checkout_session;
  bool buyer_completes_action = false;
  std::optional<std::string> recorded_key;
};

struct parsed_create_params {
  std::optional<create_params> params;  // set exactly when error is not
  param_error error;
};

// The checks shared with the other endpoints; nullopt when valid.
std::optional<param_error> parse_amount(std::optional<std::string_view> raw,
                                        std::int64_t& amount_minor);
// A whole number 1..amount_minor_max named `param` (quantity, unit_amount).
std::optional<param_error> parse_positive_integer(
  std::optional<std::string_view> raw, std::string_view param,
  std::int64_t& out);
// "true" or "false".
std::optional<param_error> parse_boolean(std::optional<std::string_view> raw,
                                         std::string_view param, bool& out);
std::optional<param_error> parse_currency(std::optional<std::string_view> raw,
                                          std::string& currency);
std::optional<param_error> parse_metadata(const http::form_fields& fields,
                                          metadata_map& metadata);

// automatic, automatic_async or manual; absent: `out` unchanged.
std::optional<param_error> parse_capture_method(
  std::optional<std::string_view> raw, capture_method& out);

// Values only: the names were checked against the allow-list
// (stripe_params.hpp) first. `fields` are normalised (x[] as x[0]).
parsed_create_params parse_create_params(const http::form_fields& fields);

}  // namespace pay::pspsim
