#include "actors/ledger/ledger.hpp"

#include "actors/common/backlog.hpp"
#include "domain/common/assert.hpp"

namespace pay {

namespace {

ledger_actor::behavior_type ledger_behavior(ledger_actor::pointer self,
                                            store_pool stores) {
  return {
    [=](const record_payin& event) {
      note_backlog(self, obs::shared_actor::ledger);
      write_ledger_cmd cmd{event.order.id,
                           domain::payin_postings(event.order.seller,
                                                  event.order.currency,
                                                  event.order.amount_minor)};
      // The database checks it again at commit; this catches it at the source.
      PAY_ASSERT(domain::is_balanced(cmd.postings));
      return self->delegate(stores.for_key(cmd.id.value), std::move(cmd));
    },
  };
}

}  // namespace

ledger_actor spawn_ledger(caf::actor_system& sys, store_pool stores) {
  return sys.spawn(ledger_behavior, std::move(stores));
}

}  // namespace pay
