// The Stripe-compatible /v1 routes: authentication, then
//   POST /v1/payment_intents       create and confirm (Idempotency-Key aware)
//   GET  /v1/payment_intents/{id}  read back
//   GET  /v1/payment_intents       list, newest first
//   POST /v1/payment_intents/{id}/capture, .../cancel
//                                  (payment_intent_actions_api)
//   POST /v1/refunds, GET /v1/refunds/{id}, GET /v1/refunds (refunds_api)
//   POST /v1/payouts, GET /v1/payouts/{id}, GET /v1/payouts (payouts_api)
//   GET  /v1/settlement_files/{YYYY-MM-DD}        (settlement_api)
//   GET  /v1/balance_transactions                 (balance_transactions_api)
//   /v1/accounts, /v1/transfers (and its reversals), /v1/balance
//                                                 (connect_api)
#pragma once

#include <cstdint>
#include <string_view>

#include "http/server.hpp"
#include "pspsim/sim_parts.hpp"
#include "pspsim/sim_time.hpp"

namespace pay::pspsim {

enum class v1_route : std::uint8_t {
  create_intent = 1,              // POST /v1/payment_intents
  read_intent = 2,                // GET /v1/payment_intents/{id}
  unrecognized = 3,               // anything else: 404
  create_refund = 4,              // POST /v1/refunds
  read_refund = 5,                // GET /v1/refunds/{id}
  create_payout = 6,              // POST /v1/payouts
  read_payout = 7,                // GET /v1/payouts/{id}
  read_settlement_file = 8,       // GET /v1/settlement_files/{date}
  list_balance_transactions = 9,  // GET /v1/balance_transactions
  create_account = 10,            // POST /v1/accounts
  read_account = 11,              // GET /v1/accounts/{id}
  create_transfer = 12,           // POST /v1/transfers
  read_transfer = 13,             // GET /v1/transfers/{id}
  read_balance = 14,              // GET /v1/balance (Stripe-Account)
  list_intents = 15,              // GET /v1/payment_intents
  list_refunds = 16,              // GET /v1/refunds
  create_transfer_reversal = 17,  // POST /v1/transfers/{id}/reversals
  list_transfers = 18,            // GET /v1/transfers
  list_payouts = 19,              // GET /v1/payouts (Stripe-Account)
  capture_intent = 20,            // POST /v1/payment_intents/{id}/capture
  cancel_intent = 21,             // POST /v1/payment_intents/{id}/cancel
};

// "/v1/<collection>/<id>" with a non-empty id and nothing after it.
bool is_item_path(std::string_view path, std::string_view collection);

// By method and path alone, before authentication.
v1_route route_of(const http::request& req);

http::response handle_v1(const http::request& req, const sim_parts& parts,
                         std::string_view api_key, const sim_time& now);

}  // namespace pay::pspsim
