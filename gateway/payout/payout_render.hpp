#pragma once
// Pay-out side views -> JSON bodies (amounts as decimal strings).

#include <string>

#include "messages/payout/payout_protocol.hpp"

namespace pay::gateway {

std::string render_payout(const payout_lookup& found);  // with its history
// A page of GET /admin/payouts: {"object":"list","data":[payout...],
// "has_more","next_cursor"}.
std::string render_payouts(const payout_list& list,
                           const std::string& next_cursor);
// {"object":"payout_dead_letter","payout_id",...,"payout_status",
// "maybe_paid_out",...}
std::string render_payout_dead_letter(const payout_dead_letter_view& entry);
std::string render_payout_dead_letters(const payout_dead_letter_page& page,
                                       const std::string& next_cursor);
std::string render_payout_run(const payout_run_reply& run);
std::string render_wallet_split(const std::string& seller,
                                const wallet_balances& wallet);
std::string render_fulfilled(const std::string& payment_order_id,
                             const fulfill_reply& reply);
// `seller` as the client named it (the view's may carry the key's scope).
std::string render_connected_account(const std::string& seller,
                                     const connected_account_view& account);

}  // namespace pay::gateway
