// Transfers to connected accounts and their reversals, as records and as
// Stripe renders them (API version 2020-08-27). Pure.
//
//   transfer: {"id":"tr_...","object":"transfer","amount","currency",
//              "destination","transfer_group","source_transaction",
//              "description","metadata","amount_reversed","reversed",
//              "reversals":{list},"created"}
//   reversal: {"id":"trr_...","object":"transfer_reversal","amount",
//              "currency","transfer","destination_payment_refund":null,
//              "source_refund":null,"metadata","created"}
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "pspsim/intent.hpp"

namespace pay::pspsim {

// How many reversals a transfer shows inline (Stripe: the 10 newest; the
// rest through the list's has_more and total_count).
constexpr std::size_t inline_reversals_max = 10;

struct transfer_params {
  std::int64_t amount_minor = 0;
  std::string currency;     // lowercase
  std::string destination;  // "acct_..."
  std::optional<std::string> transfer_group;
  std::optional<std::string> source_transaction;  // "ch_..."
  std::optional<std::string> description;
  metadata_map metadata;
};

struct reversal_params {
  std::optional<std::int64_t> amount_minor;  // none: all that is left
  // Accepted as Stripe does; its transfer_reversal object has no such field.
  std::optional<std::string> description;
  metadata_map metadata;
};

struct reversal_record {
  std::string id;        // "trr_..."
  std::string transfer;  // "tr_..."
  std::int64_t amount_minor = 0;
  std::string currency;  // the transfer's
  reversal_params params;
  std::int64_t created_unix_s = 0;
  std::string idempotency_key;  // empty: none sent
};

struct transfer_record {
  std::string id;  // "tr_..."
  transfer_params params;
  std::int64_t created_unix_s = 0;
  std::string idempotency_key;  // empty: none sent
  std::int64_t amount_reversed_minor = 0;
  std::vector<reversal_record> reversals;  // creation order
};

// Stripe's `reversed`: true once nothing is left to reverse.
inline bool fully_reversed(const transfer_record& t) {
  return t.amount_reversed_minor >= t.params.amount_minor;
}

boost::json::object transfer_object(const transfer_record& t);
std::string transfer_json(const transfer_record& t);
boost::json::object reversal_object(const reversal_record& r);
std::string reversal_json(const reversal_record& r);

}  // namespace pay::pspsim
