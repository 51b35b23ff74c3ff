// Stripe's JSON shapes for the simulator's records.
#pragma once

#include <string>

#include <boost/json/object.hpp>

#include "pspsim/intent.hpp"

namespace pay::pspsim {

// A PaymentIntent object as Stripe serialises it. `expand_charge`: the
// request asked for expand[]=latest_charge, so latest_charge is the whole
// charge rather than its id.
boost::json::object intent_to_json(const payment_intent& intent,
                                   bool expand_charge = false);

// The 402 body of a declined confirmation: Stripe's card_error with the
// intent (status requires_payment_method) embedded.
std::string decline_body(const payment_intent& intent,
                         bool expand_charge = false);

// A charge as GET /sim/charges lists it.
boost::json::object charge_to_json(const charge_record& charge);

}  // namespace pay::pspsim
