// A hosted-payment-page registration (Stripe's Checkout Session): what the
// merchant registered and what became of it. Never holds a card number.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "pspsim/intent.hpp"

namespace pay::pspsim {

enum class session_status : std::uint8_t {
  open = 1,      // not paid yet, or waiting for the 3-D Secure challenge
  complete = 2,  // paid, or the payment failed: final either way
};

struct checkout_session {
  std::string id;   // "cs_..."
  std::string url;  // the hosted page: <pspsim base>/pay/<id>
  std::int64_t amount_minor = 0;
  std::string currency;  // lowercase
  std::string return_url;
  std::string client_reference_id;  // the merchant's nonce (payment_order_id)
  metadata_map metadata;
  std::int64_t created_unix_s = 0;
  session_status status = session_status::open;
  bool paid = false;
  std::string payment_intent;  // empty until the buyer pays
  bool awaiting_challenge = false;
  std::string failure_code;  // decline_code or error code when not paid
  std::string card_brand;    // "visa", ...; never the number
  std::string card_last4;
};

// Stripe's Checkout Session shape, plus return_url.
boost::json::object session_to_json(const checkout_session& session);

// return_url with session_id, payment_order_id, status=succeeded|failed
// and, when failed, code appended to its query (before any #fragment).
// Only for a complete session.
std::string result_redirect_url(const checkout_session& session);

}  // namespace pay::pspsim
