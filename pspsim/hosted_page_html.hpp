// The hosted payment page's HTML: small, server-rendered, no script but an
// inline Luhn check, readable at phone width (a viewport, no sideways
// scrolling at 390 px, full-width inputs, tap targets of 44 px or more),
// amounts written as people read them (display_amount.hpp), and stable
// element ids for browser tests (#card-number, #card-expiry, #card-cvc,
// #card-name, #pay-button, #error, #challenge-complete, #challenge-fail,
// #result, #return-link, #cancel-link, #merchant-name, #line-items,
// #amount-total).
#pragma once

#include <string>
#include <string_view>

#include "pspsim/checkout_session.hpp"
#include "pspsim/intent.hpp"

namespace pay::pspsim {

// The card form under the merchant's name, the session's lines and its
// total; `error` (may be empty) is shown in #error. Only the expiry and
// the name are kept when re-rendered, never number or CVC.
std::string payment_form_html(const checkout_session& session,
                              std::string_view merchant_name,
                              std::string_view error,
                              std::string_view kept_expiry,
                              std::string_view kept_name);

// The 3-D Secure challenge: Complete and Fail buttons posting to
// /pay/<id>/challenge.
std::string challenge_html(const checkout_session& session,
                           std::string_view merchant_name);
// The same for a PaymentIntent confirmed with return_url, posting to
// /authenticate/<id>.
std::string intent_challenge_html(const payment_intent& intent,
                                  std::string_view merchant_name);

// A complete (paid) session's result, with #return-link to its success
// URL.
std::string result_html(const checkout_session& session,
                        std::string_view merchant_name);

// An expired session: nothing charged, #cancel-link back to the merchant.
std::string expired_html(const checkout_session& session,
                         std::string_view merchant_name);

std::string message_html(std::string_view title, std::string_view message);

}  // namespace pay::pspsim
