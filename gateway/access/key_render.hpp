#pragma once
// An API key as the admin API and `paymentd keys` show it: never the hash;
// the full key only in the answer that created it.

#include <string>

#include <boost/json.hpp>

#include "persistence/access/api_key_sql.hpp"

namespace pay::gateway {

// {"object":"api_key","id":..,"name":..,"role":..,"mode":..,"account":..,
//  "prefix":..,"created":..,"last_used":..|null,"revoked":..|null}
boost::json::object api_key_json(const persistence::api_key_row& row);
// The same with "secret": the key itself.
std::string render_new_api_key(const persistence::api_key_row& row,
                               const std::string& secret);

}  // namespace pay::gateway
