// The hosted payment page's HTML: small, server-rendered, no script but an
// inline Luhn check, and stable element ids for browser tests (#card-number,
// #card-expiry, #card-cvc, #card-name, #pay-button, #error,
// #challenge-complete, #challenge-fail, #result, #return-link).
#pragma once

#include <string>
#include <string_view>

#include "pspsim/checkout_session.hpp"

namespace pay::pspsim {

// The card form; `error` (may be empty) is shown in #error. Only the
// expiry and the name are kept when re-rendered, never number or CVC.
std::string payment_form_html(const checkout_session& session,
                              std::string_view error,
                              std::string_view kept_expiry,
                              std::string_view kept_name);

// The 3-D Secure challenge: Complete and Fail buttons posting to
// /pay/<id>/challenge.
std::string challenge_html(const checkout_session& session);

// A complete session's result, with a link back to the merchant.
std::string result_html(const checkout_session& session);

std::string message_html(std::string_view title, std::string_view message);

}  // namespace pay::pspsim
