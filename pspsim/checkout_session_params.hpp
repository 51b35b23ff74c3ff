// POST /v1/checkout/sessions parameters (2020-08-27, mode=payment, line
// items in one currency): parsed from the allow-listed form into
// session_params, or into the Stripe-style error that explains why not.
#pragma once

#include <optional>

#include "http/form.hpp"
#include "pspsim/checkout_session_store.hpp"
#include "pspsim/param_error.hpp"

namespace pay::pspsim {

constexpr std::size_t client_reference_id_chars_max = 200;
constexpr std::size_t product_name_chars_max = 250;
constexpr std::size_t customer_email_chars_max = 512;
// Stripe's limit for mode=payment.
constexpr std::size_t line_items_max = 100;

struct parsed_session_params {
  std::optional<session_params> params;  // set exactly when error is not
  param_error error;
};

parsed_session_params parse_session_params(const http::form_fields& fields);

}  // namespace pay::pspsim
