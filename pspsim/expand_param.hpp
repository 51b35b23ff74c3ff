// Stripe's `expand` on the PaymentIntent routes: expand[]=latest_charge
// (or expand[0]=latest_charge) turns the intent's latest_charge id into the
// whole charge. Nothing else of an intent can be expanded in pspsim.
#pragma once

#include <optional>

#include "http/form.hpp"
#include "pspsim/param_error.hpp"

namespace pay::pspsim {

// `fields` are normalised (x[] as x[0]) and allow-listed: expand[0] is the
// only expand name they can hold. Sets expand_charge when it asks for
// latest_charge; any other value is 400 parameter_invalid.
std::optional<param_error> parse_charge_expand(const http::form_fields& fields,
                                               bool& expand_charge);

}  // namespace pay::pspsim
