#pragma once
// The provider calls a pay-out makes (domain/payout/payout_steps.hpp says
// which one when), each built from the persisted row alone. Public so the
// contract test sends exactly these to Stripe's mock.

#include <string>

#include "domain/payout/payout_records.hpp"
#include "domain/payout/payout_steps.hpp"
#include "messages/common/psp_client_protocol.hpp"

namespace pay {

// The call for `call` (not no_account, no_transfer or none, which ask
// nothing).
psp_call make_payout_call(domain::payout_call call, const payout_view& row,
                          const std::string& correlation_id);

// POST /v1/accounts: a custom connected account for the seller (key =
// "acct-" + seller, so a repeated onboarding creates one account).
psp_call make_create_account_call(const connect_seller& cmd);
// GET /v1/accounts/{acct}: does the account exist.
psp_call make_get_account_call(const std::string& stripe_account,
                               const std::string& correlation_id);

}  // namespace pay
