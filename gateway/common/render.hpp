#pragma once
// Views -> JSON bodies. Amounts leave as decimal strings in the currency's
// exponent; nothing here does arithmetic on money.

#include <string>

#include "domain/access/account_scope.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "domain/payin/records.hpp"
#include "gateway/common/api_error.hpp"
#include "messages/payin/store_protocol.hpp"

namespace pay::gateway {

// Minor units as the currency's decimal string ("12.34", "500").
std::string decimal_amount(std::int64_t amount_minor,
                           const std::string& currency);
// JSON null for "", else the string: absent optional fields.
boost::json::value null_if_empty(const std::string& s);
// Ids as `scope`'s client knows them (the platform's: as stored).
boost::json::object order_json(const order_view& order,
                               const domain::account_scope& scope = {});
std::string render_order(const order_view& order,
                         const domain::account_scope& scope = {});
std::string render_checkout(const checkout_view& checkout,
                            const domain::account_scope& scope = {});
std::string render_error(const api_error& error);
std::string render_dead_letter(const dead_letter_view& entry);
std::string render_dead_letters(const dead_letters& page);
// Checkouts held for review, as checkout objects in a list.
std::string render_reviews(const reviews& found);

// "succeeded" when every order succeeded, "failed" when every order is final
// and one failed, else "processing".
std::string checkout_status(const checkout_view& checkout);

}  // namespace pay::gateway
