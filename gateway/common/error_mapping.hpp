#pragma once
// Every mapping from an internal outcome to what the client sees lives here:
// money errors, storage outcomes and actor-system failures.

#include <caf/all.hpp>

#include "domain/common/money.hpp"
#include "gateway/common/api_error.hpp"
#include "messages/payin/store_protocol.hpp"

namespace pay::gateway {

// Currency problems name the currency field, amount problems the amount.
api_error money_error_to_api(domain::money_error e,
                             const std::string& amount_param,
                             const std::string& currency_param);

// A failure inside the actor system or the database: 503 when it is a
// dependency that is down (retry later), 500 otherwise. Never internals.
api_error system_error_to_api(const caf::error& err);

// 409 for a checkout_id or payment_order_id reused with a different request.
// `param` names the field (caller resolves the order's index).
api_error conflict_to_api(insert_outcome outcome, const std::string& param);

api_error not_found(const std::string& what, const std::string& id,
                    const std::string& param);

}  // namespace pay::gateway
