// Stripe Connect basics (connect_store.hpp), Bearer key, form-encoded,
// Idempotency-Key optional:
//   POST /v1/accounts        type=custom|express, country, email,
//                            capabilities[transfers][requested], metadata
//   GET  /v1/accounts/{id}
//   POST /v1/transfers       amount, currency, destination=acct_...,
//                            transfer_group, source_transaction=ch_...,
//                            description, metadata
//   GET  /v1/transfers/{id}
//   GET  /v1/transfers       destination, transfer_group, limit,
//                            starting_after, ending_before, created[..]
//   POST /v1/transfers/{id}/reversals
//                            amount (default: all that is left),
//                            description, metadata
//   GET  /v1/balance         with Stripe-Account: that account's balance
// Authentication is checked by handle_v1 before these run.
#pragma once

#include <string_view>

#include "http/server.hpp"
#include "pspsim/connect_store.hpp"
#include "pspsim/sim_time.hpp"

namespace pay::pspsim {

constexpr std::string_view accounts_path = "/v1/accounts";
constexpr std::string_view transfers_path = "/v1/transfers";
constexpr std::string_view balance_path = "/v1/balance";
constexpr std::string_view reversals_suffix = "/reversals";

// "/v1/transfers/<id>/reversals" with a non-empty id: the id, else empty.
std::string_view reversal_transfer_of(std::string_view path);

http::response create_account(const http::request& req, connect_store& store,
                              const sim_time& now);
http::response get_account(const http::request& req, std::string_view id,
                           const connect_store& store);
http::response create_transfer(const http::request& req, connect_store& store,
                               const sim_time& now);
http::response get_transfer(const http::request& req, std::string_view id,
                            const connect_store& store);
http::response list_transfers(const http::request& req,
                              const connect_store& store);
http::response create_reversal(const http::request& req,
                               std::string_view transfer, connect_store& store,
                               const sim_time& now);
http::response get_balance(const http::request& req,
                           const connect_store& store);

}  // namespace pay::pspsim
