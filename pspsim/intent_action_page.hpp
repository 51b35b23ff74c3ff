// The 3-D Secure page of a PaymentIntent confirmed with return_url (its
// next_action.redirect_to_url.url), no authentication (the buyer's browser):
//   GET  /authenticate/{pi}   the challenge; from then on the buyer decides
//                             (the --three-ds-ms timer is cancelled)
//   POST /authenticate/{pi}   result=complete|fail: resolves the intent, then
//                             303 to return_url?payment_intent=pi_...&
//                             payment_intent_client_secret=...&
//                             redirect_status=succeeded|failed
// An intent that is already final (its timer won) sends the buyer straight
// on to return_url.
#pragma once

#include <string_view>

#include "http/server.hpp"
#include "pspsim/intent_store.hpp"
#include "pspsim/sim_time.hpp"

namespace pay::pspsim {

constexpr std::string_view authenticate_prefix = "/authenticate/";

http::response handle_intent_action_page(const http::request& req,
                                         intent_store& store,
                                         std::string_view merchant_name,
                                         const sim_time& now);

// Where the buyer lands afterwards: return_url with Stripe's three
// parameters appended.
std::string intent_return_url(const payment_intent& intent);

}  // namespace pay::pspsim
