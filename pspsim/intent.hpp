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
// With capture_method=manual an authorized intent is requires_capture
// instead of succeeded, until it is captured (succeeded) or canceled.
enum class intent_status : std::uint8_t {
  processing = 1,
  succeeded = 2,
  requires_payment_method = 3,
  requires_action = 4,
  requires_capture = 5,
  canceled = 6,
};

// What an intent that is not final yet is waiting for.
enum class pending_kind : std::uint8_t {
  none = 0,
  processing = 1,  // pm_card_processing: succeeds after --processing-ms
  three_ds = 2,    // requires_action: the buyer's challenge (or --three-ds-ms)
  review = 3,  // processing under PSP review: --review-ms or /sim/.../review
};

// Stripe's capture_method. automatic_async captures like automatic here
// (Stripe only defers the capture's bookkeeping); manual stops at
// requires_capture.
enum class capture_method : std::uint8_t {
  automatic = 1,
  automatic_async = 2,
  manual = 3,
};

std::string_view to_string(intent_status status);
std::string_view to_string(capture_method method);

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
  capture_method capture = capture_method::automatic;
  std::string payment_method;
  card_profile card;  // what its charge shows of the card
  // The latest charge ("ch_..."), empty until the card was charged or
  // declined. charge_paid: authorized (the charge is in the intent's
  // 2020-08-27 `charges` list); false: a declined (failed) charge.
  std::string latest_charge;
  bool charge_paid = false;
  std::int64_t charge_created_unix_s = 0;
  // Manual capture: what can still be captured (while requires_capture)
  // and what was (once succeeded); automatic: the amount once succeeded.
  std::int64_t amount_capturable_minor = 0;
  std::int64_t amount_received_minor = 0;
  std::int64_t captured_unix_s = 0;  // 0 until captured
  std::optional<std::int64_t> canceled_at_unix_s;
  std::string cancellation_reason;  // empty unless canceled
  metadata_map metadata;            // sorted by key, keys unique
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

// An authorized charge (declined ones are not recorded): what
// /sim/charges lists and what settles once captured.
struct charge_record {
  std::string id;  // "ch_..."
  std::string payment_intent;
  std::string idempotency_key;    // empty when none
  std::int64_t amount_minor = 0;  // authorized
  std::string currency;
  std::string payment_method;
  std::int64_t created_unix_s = 0;  // authorized at
  std::int64_t amount_captured_minor = 0;
  std::int64_t captured_unix_s = 0;  // 0 until captured
};

}  // namespace pay::pspsim
