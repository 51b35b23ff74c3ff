#pragma once
// GET /admin/ledger/trial_balance as JSON or CSV. Amounts are decimal
// strings in each currency's exponent (negative balances with a leading
// '-'), with the balances' minor units alongside in JSON.

#include <string>

#include "domain/ledger/trial_balance.hpp"

namespace pay::gateway {

// {"as_of", "currencies": [{"currency", "accounts": [{"account", "debit",
// "credit", "balance", "balance_minor"}], "total", "total_minor"}], "memo":
// [{"name", "currency", "amount", "amount_minor", "orders"}]}
std::string render_trial_balance_json(const trial_balance& tb);

// "currency,account,debit,credit,balance", a line per account, then per
// currency a TOTAL line (its debits, its credits, the total of its
// balances). Fields quoted as RFC 4180 wants when they need it (a seller id
// may hold a comma).
std::string render_trial_balance_csv(const trial_balance& tb);

}  // namespace pay::gateway
