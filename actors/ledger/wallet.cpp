#include "actors/ledger/wallet.hpp"

#include "actors/common/backlog.hpp"
#include "domain/common/assert.hpp"

namespace pay {

namespace {

wallet_actor::behavior_type wallet_behavior(wallet_actor::pointer self,
                                            store_pool stores) {
  return {
    [=](const credit_wallet_cmd& cmd) {
      note_backlog(self, obs::shared_actor::wallet);
      PAY_ASSERT(cmd.amount_minor > 0);
      // Shard by seller, as the order's own writes: one connection per
      // wallet row.
      return self->delegate(stores.for_key(cmd.seller.value), cmd);
    },
  };
}

}  // namespace

wallet_actor spawn_wallet(caf::actor_system& sys, store_pool stores) {
  return sys.spawn(wallet_behavior, std::move(stores));
}

}  // namespace pay
