#pragma once
// The ledger: append-only double-entry bookkeeping. It turns business events
// into balanced postings and writes each event's transaction exactly once.

#include <caf/all.hpp>

#include "domain/payin/records.hpp"
#include "messages/payin/store_protocol.hpp"

namespace pay {

struct record_payin {
  order_line order;
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, record_payin& x) {
  return f(x.order);
}

using ledger_actor =
  caf::typed_actor<caf::replies_to<record_payin>::with<step_reply>>;

}  // namespace pay
