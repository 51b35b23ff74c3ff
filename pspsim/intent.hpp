// The simulator's records: payment intents and the charges behind them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pspsim/test_cards.hpp"

namespace pay::pspsim {

// A declined intent is requires_payment_method (Stripe's state after a
// failed confirmation); processing becomes succeeded after a delay;
// requires_action (3-D Secure) becomes succeeded or requires_payment_method.
enum class intent_status : std::uint8_t {
  processing = 1,
  succeeded = 2,
  requires_payment_method = 3,
  requires_action = 4,
};

// What an intent that is not final yet is waiting for.
enum class pending_kind : std::uint8_t {
  none = 0,
  processing = 1,  // pm_card_processing: succeeds after --processing-ms
  three_ds = 2,    // requires_action: the buyer's challenge (or --three-ds-ms)
  review = 3,  // processing under PSP review: --review-ms or /sim/.../review
};

std::string_view to_string(intent_status status);

struct payment_error {
  std::string code;          // "card_declined"
  std::string decline_code;  // "generic_decline", "insufficient_funds"
  std::string message;
};

using metadata_map = std::vector<std::pair<std::string, std::string>>;

struct payment_intent {
  std::string id;  // "pi_..."
  std::int64_t amount_minor = 0;
  std::string currency;  // lowercase ISO 4217
  intent_status status = intent_status::processing;
  std::string payment_method;
  std::string latest_charge;  // "ch_...", empty until charged (the
                              // intent's `charges` list in 2020-08-27)
  metadata_map metadata;      // sorted by key, keys unique
  std::optional<std::string> description;
  std::int64_t created_unix_s = 0;
  std::optional<payment_error> last_payment_error;
  std::string idempotency_key;  // empty when the request carried none
  pending_kind pending = pending_kind::none;
  std::string review_note;       // set while (and after) under review
  std::string checkout_session;  // "cs_..." when paid on the hosted page
  std::string client_secret;     // "pi_..._secret_..."
  // With return_url, 3-D Secure is a page the buyer visits: action_url is
  // <pspsim base>/authenticate/<id>; it ends on return_url.
  std::string return_url;
  std::string action_url;
  refund_behaviour refunds = refund_behaviour::normal;
};

struct charge_record {
  std::string id;  // "ch_..."
  std::string payment_intent;
  std::string idempotency_key;  // empty when none
  std::int64_t amount_minor = 0;
  std::string currency;
  std::string payment_method;
  std::int64_t created_unix_s = 0;
};

}  // namespace pay::pspsim
