#pragma once
// A refund's life as a pure transition table:
//
//   CREATED --psp_succeeded--> SUCCEEDED <--psp_succeeded--+
//      |                                                   |
//      +------psp_failed-----> FAILED <----psp_failed------+
//      |                                                   |
//      +------psp_pending----> PENDING --------------------+
//      |
//      +--operator_failed--> FAILED
//
// A refund stays CREATED while the PSP's answer is retryable (5xx, 429,
// transport failure): retries are attempts, not transitions. PENDING: the
// PSP created the refund (its re_... id is stored) and has not decided yet;
// from then on the refund is only read back, never POSTed again. Both ends
// are final; anything not in the table is illegal and never applied.
// operator_failed: an operator resolved the refund's dead letter after the
// PSP was asked (or could not have been reached) and holds none of ours; a
// PENDING refund exists at the PSP, so only the PSP may end it.

#include <cstdint>
#include <optional>
#include <string_view>

namespace pay::domain {

enum class refund_status : std::uint8_t {
  created = 0,
  succeeded = 1,
  failed = 2,
  pending = 3,
};

enum class refund_event : std::uint8_t {
  psp_succeeded = 0,
  psp_failed = 1,
  psp_pending = 2,
  operator_failed = 3,
};

// The status after `event` in `from`, or nothing when the move is illegal.
std::optional<refund_status> next_status(refund_status from,
                                         refund_event event);

bool is_final(refund_status status);

// "CREATED", "PENDING", "SUCCEEDED", "FAILED": the database enum's
// spelling.
std::string_view to_db_string(refund_status status);
std::optional<refund_status> parse_refund_status(std::string_view text);
std::string_view to_string(refund_event event);

}  // namespace pay::domain
