// An intent's latest charge as Stripe's Charge object: what `latest_charge`
// expands to, with Radar's outcome and the card's checks; and in brief, as
// the 2020-08-27 `charges` list holds it.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "pspsim/intent.hpp"

namespace pay::pspsim {

// The charge object; the intent must have a latest charge.
boost::json::object charge_object(const payment_intent& intent);

// The charge in brief, as the intent's `charges` list holds it: without
// outcome and card details, which every stored answer would otherwise
// carry (expand latest_charge for them).
boost::json::object charge_summary(const payment_intent& intent);

// `latest_charge`: null without a charge, else its id, or with `expand`
// the whole object.
boost::json::value latest_charge_json(const payment_intent& intent,
                                      bool expand);

}  // namespace pay::pspsim
