#pragma once
// Refund views -> JSON bodies (amounts as the currency's decimal string).

#include <string>

#include "messages/refund_protocol.hpp"

namespace pay::gateway {

std::string render_refund(const refund_view& refund);
// {"object":"list","data":[refund...],"payment_order_id":...}
std::string render_refund_list(const std::string& payment_order_id,
                               const refund_list& list);

}  // namespace pay::gateway
