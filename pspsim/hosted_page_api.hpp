// The hosted payment page, no authentication (the buyer's browser):
//   GET  /pay/{session}            the card form, or the result once complete
//   POST /pay/{session}            pay (form-encoded card fields)
//   GET  /pay/{session}/challenge  the 3-D Secure challenge
//   POST /pay/{session}/challenge  result=complete|fail
// A final outcome answers 303 to the session's return_url with the result
// in the query. A session is paid at most once: its intent is created under
// the Idempotency-Key <client_reference_id>, so even two concurrent posts
// make one intent and at most one charge.
#pragma once

#include "http/server.hpp"
#include "pspsim/checkout_session_store.hpp"
#include "pspsim/intent_store.hpp"
#include "pspsim/sim_time.hpp"

namespace pay::pspsim {

http::response handle_pay_page(const http::request& req,
                               checkout_session_store& sessions,
                               intent_store& store, const sim_time& now);

}  // namespace pay::pspsim
