// A hosted-payment-page registration (Stripe's Checkout Session, 2020-08-27
// shape, mode=payment, up to 100 line items): what the merchant registered
// and what became of it. Never holds a card number.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "pspsim/intent.hpp"

namespace pay::pspsim {

// Stripe's default: a session can be paid for 24 hours.
constexpr std::int64_t session_expiry_s_default = 86'400;

// Like Stripe's card Checkout: a declined card or a failed challenge leaves
// the session open for another try; only a payment completes it, and an
// unpaid one expires.
enum class session_status : std::uint8_t {
  open = 1,      // not paid yet, or waiting for the 3-D Secure challenge
  complete = 2,  // paid
  expired = 3,   // not paid within its expiry
};

std::string_view to_string(session_status status);

// One of line_items[i]: price_data[product_data][name], price_data's
// unit_amount and quantity (all lines share the session's currency).
struct line_item {
  std::string name;
  std::int64_t unit_amount_minor = 0;
  std::int64_t quantity = 0;
};

struct checkout_session {
  std::string id;                 // "cs_..."
  std::string url;                // the hosted page: <pspsim base>/pay/<id>
  std::int64_t amount_minor = 0;  // sum of unit_amount x quantity
  std::string currency;           // lowercase
  std::vector<line_item> line_items;
  std::string success_url;  // may hold {CHECKOUT_SESSION_ID}
  std::string cancel_url;
  std::optional<std::string> client_reference_id;
  std::optional<std::string> customer_email;
  metadata_map metadata;         // the session's
  metadata_map intent_metadata;  // payment_intent_data[metadata]
  std::optional<std::string> intent_description;
  std::int64_t created_unix_s = 0;
  std::int64_t expires_at_unix_s = 0;
  session_status status = session_status::open;
  bool paid = false;
  std::string payment_intent;  // the latest attempt's; empty before any
  bool awaiting_challenge = false;
  std::uint32_t failed_attempts = 0;  // declines and failed challenges
  std::string failure_code;           // the last failed attempt's, for the form
  std::string card_brand;             // "visa", ...; never the number
  std::string card_last4;
};

// Stripe's Checkout Session shape.
boost::json::object session_to_json(const checkout_session& session);

// success_url with the literal {CHECKOUT_SESSION_ID} replaced by the id, as
// Stripe does.
std::string success_redirect_url(const checkout_session& session);

}  // namespace pay::pspsim
