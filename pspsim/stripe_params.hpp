// Every parameter each /v1 endpoint accepts, in one place, and the check
// that refuses anything else the way Stripe does (API version 2020-08-27):
//
//   unknown  -> 400 parameter_unknown "Received unknown parameter: <name>"
//   missing  -> 400 parameter_missing "Missing required param: <name>."
//
// Values are checked afterwards by each endpoint's own parser. docs/pspsim.md
// lists the same tables ("Parameters each endpoint accepts").
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "http/form.hpp"
#include "pspsim/param_error.hpp"

namespace pay::pspsim {

enum class stripe_endpoint : std::uint8_t {
  create_payment_intent = 1,      // POST /v1/payment_intents
  create_checkout_session = 2,    // POST /v1/checkout/sessions
  create_refund = 3,              // POST /v1/refunds
  create_payout = 4,              // POST /v1/payouts
  list_balance_transactions = 5,  // GET /v1/balance_transactions (query)
  retrieve = 6,                   // GET /v1/<collection>/{id} (query): none
  create_account = 7,             // POST /v1/accounts
  create_transfer = 8,            // POST /v1/transfers
  retrieve_balance = 9,           // GET /v1/balance (query): none
  list_refunds = 10,              // GET /v1/refunds (query)
  list_payment_intents = 11,      // GET /v1/payment_intents (query)
  create_transfer_reversal = 12,  // POST /v1/transfers/{id}/reversals
  list_transfers = 13,            // GET /v1/transfers (query)
  list_payouts = 14,              // GET /v1/payouts (query)
  retrieve_payment_intent = 15,   // GET /v1/payment_intents/{id} (query)
  capture_payment_intent = 16,    // POST /v1/payment_intents/{id}/capture
  cancel_payment_intent = 17,     // POST /v1/payment_intents/{id}/cancel
};

struct param_spec {
  // Exact, or ending in "[*]": any one key in the brackets, no nesting
  // (metadata[order_id]). "[#]" anywhere stands for an array index
  // (line_items[#][quantity]: line_items[0][quantity], line_items[1]...);
  // such a required name is required of line 0 and of every line sent.
  std::string_view name;
  bool required = false;
};

const std::vector<param_spec>& allowed_params(stripe_endpoint endpoint);

// Whether `name` is one `spec` accepts.
bool param_matches(std::string_view spec, std::string_view name);

// Stripe takes an array either indexed (x[0]=a&x[1]=b) or appended
// (x[]=a&x[]=b); this turns each trailing "[]" into the next free index of
// its array, so the rest of pspsim sees one form (and an idempotent replay
// compares equal whichever form was sent).
http::form_fields normalise_array_params(http::form_fields fields);

// The first unknown parameter (in request order), else the first missing
// required one (in table order); nullopt when the names are all fine.
std::optional<param_error> check_params(stripe_endpoint endpoint,
                                        const http::form_fields& fields);

}  // namespace pay::pspsim
