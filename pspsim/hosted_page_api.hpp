// The hosted payment page, no authentication (the buyer's browser):
//   GET  /pay/{session}            the card form, the result once paid, or
//                                  the expired page
//   POST /pay/{session}            pay (form-encoded card fields)
//   GET  /pay/{session}/challenge  the 3-D Secure challenge
//   POST /pay/{session}/challenge  result=complete|fail
// A payment answers 303 to the session's success_url ({CHECKOUT_SESSION_ID}
// filled in). As on Stripe's page, a declined card or a failed challenge
// shows the form again with the reason and the session stays open for
// another card; #cancel-link goes to cancel_url. Each attempt's intent is
// created under the internal key checkout_session:<id>#<attempt>, so two
// concurrent posts make one intent and at most one charge.
#pragma once

#include <string_view>

#include "http/server.hpp"
#include "pspsim/checkout_session_store.hpp"
#include "pspsim/intent_store.hpp"
#include "pspsim/sim_time.hpp"

namespace pay::pspsim {

// `merchant_name`: who the pages say is being paid (--merchant-name).
http::response handle_pay_page(const http::request& req,
                               checkout_session_store& sessions,
                               intent_store& store,
                               std::string_view merchant_name,
                               const sim_time& now);

}  // namespace pay::pspsim
