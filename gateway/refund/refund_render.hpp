#pragma once
// Refund views -> JSON bodies (amounts as the currency's decimal string).

#include <string>

#include "domain/access/account_scope.hpp"
#include "messages/refund/refund_protocol.hpp"

namespace pay::gateway {

// Ids as `scope`'s client knows them (the platform's: as stored).
std::string render_refund(const refund_view& refund,
                          const domain::account_scope& scope = {});
// {"object":"list","data":[refund...],"payment_order_id":...}
std::string render_refund_list(const std::string& payment_order_id,
                               const refund_list& list,
                               const domain::account_scope& scope = {});
// A page of GET /admin/refunds: {"object":"list","data":[refund...],
// "has_more","next_cursor"} (ids as stored).
std::string render_refund_page(const refund_page& page,
                               const std::string& next_cursor);
// {"object":"refund_dead_letter","refund_id",...,"refund_status",
// "maybe_refunded",...}
std::string render_refund_dead_letter(const refund_dead_letter_view& entry);
std::string render_refund_dead_letters(const refund_dead_letter_page& page,
                                       const std::string& next_cursor);

}  // namespace pay::gateway
