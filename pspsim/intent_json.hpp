// Stripe's JSON shapes for the simulator's records.
#pragma once

#include <string>

#include <boost/json/object.hpp>

#include "pspsim/intent.hpp"

namespace pay::pspsim {

// A PaymentIntent object as Stripe serialises it.
boost::json::object intent_to_json(const payment_intent& intent);

// The 402 body of a declined confirmation: Stripe's card_error with the
// intent (status requires_payment_method) embedded.
std::string decline_body(const payment_intent& intent);

boost::json::object charge_to_json(const charge_record& charge);

}  // namespace pay::pspsim
