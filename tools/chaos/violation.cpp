#include "tools/chaos/violation.hpp"

namespace pay::chaos {

const char* to_string(invariant which) {
  switch (which) {
    case invariant::client_answer:
      return "0 client answer";
    case invariant::terminal_or_dlq:
      return "1 terminal or DLQ, none lost";
    case invariant::charged_once:
      return "2 charged at most once";
    case invariant::booked_once:
      return "3 booked exactly once";
    case invariant::history_forward:
      return "4 history never goes back";
    case invariant::quiescence:
      return "5 quiescent in time";
    case invariant::refused_changed_nothing:
      return "6 refused request changed nothing";
    case invariant::feature_missing:
      return "7 feature missing";
    case invariant::harness:
      return "8 harness";
    case invariant::testkit_other:
      return "9 testkit invariant";
    case invariant::refunded_once_at_psp:
      return "10 refunded once at the PSP";
    case invariant::paid_out_once_at_psp:
      return "11 paid out once at the PSP";
    case invariant::refund_answer_kept:
      return "12 refund answer kept";
    case invariant::refund_id_refunded_once:
      return "13 one PSP refund per refund id";
    case invariant::fenced_after_takeover:
      return "14 no write after the lease ended";
  }
  return "unknown";
}

}  // namespace pay::chaos
