// The simulator's records: payment intents and the charges behind them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pay::pspsim {

// A declined intent is requires_payment_method (Stripe's state after a
// failed confirmation); processing becomes succeeded after a delay.
enum class intent_status : std::uint8_t {
  processing = 1,
  succeeded = 2,
  requires_payment_method = 3,
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
  std::string latest_charge;  // "ch_...", empty until charged
  metadata_map metadata;      // sorted by key, keys unique
  std::optional<std::string> description;
  std::int64_t created_unix_s = 0;
  std::optional<payment_error> last_payment_error;
  std::string idempotency_key;  // empty when the request carried none
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
