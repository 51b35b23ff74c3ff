#include "actors/payin/poll_waker.hpp"

// Passivated orders wait for their next PSP poll in the database
// (payment_order.next_poll_at), not in a live actor. Every interval the
// waker takes the due ones off that queue and resumes their checkouts
// through the service, exactly as recovery or a webhook does: the order
// actor starts PENDING and asks the PSP at once. A full batch means more
// may be due: the next batch follows at once instead of an interval later.
//
//   IDLE --tick--> CLAIMING --claimed n--> resume each checkout
//     ^                |                      |
//     |                +--store error---------+--n < batch_max: wait interval
//     +---------------------------------------+--n = batch_max: tick now

#include <spdlog/spdlog.h>

#include "observability/metrics.hpp"

namespace pay {

namespace {

struct poll_waker_state {
  std::uint64_t woken_total = 0;
  static inline const char* name = "poll_waker";
};

using waker_self = poll_waker_actor::stateful_pointer<poll_waker_state>;

void tick_after(waker_self self, std::chrono::milliseconds delay) {
  self->delayed_send(self, delay, waker_tick_atom::value);
}

void claim(waker_self self, const store_pool& stores,
           const payment_service_actor& service,
           const poll_waker_options& options) {
  // Any connection sees the whole queue; SKIP LOCKED keeps claims disjoint.
  self
    ->request(stores.shards.front(), options.request_timeout,
              claim_due_polls{options.batch_max})
    .then(
      [=](const due_polls& due) {
        self->state.woken_total += due.orders;
        obs::metrics::get().orders_woken(due.orders);
        for (const auto& checkout : due.checkouts)
          caf::anon_send(service, resume_checkout{checkout});
        tick_after(self, due.orders >= options.batch_max
                           ? std::chrono::milliseconds{0}
                           : options.interval);
      },
      [=](caf::error& err) {
        spdlog::warn("poll waker: cannot claim due polls: {}",
                     caf::to_string(err));
        tick_after(self, options.interval);
      });
}

poll_waker_actor::behavior_type poll_waker_behavior(
  waker_self self, store_pool stores, payment_service_actor service,
  poll_waker_options options) {
  tick_after(self, options.interval);
  return {
    [=](waker_tick_atom) { claim(self, stores, service, options); },
  };
}

}  // namespace

poll_waker_actor spawn_poll_waker(caf::actor_system& sys, store_pool stores,
                                  payment_service_actor service,
                                  poll_waker_options options) {
  return sys.spawn(poll_waker_behavior, std::move(stores), std::move(service),
                   options);
}

}  // namespace pay
