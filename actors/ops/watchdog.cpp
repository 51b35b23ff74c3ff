#include "actors/ops/watchdog.hpp"

// Every interval: list orders that are not final, not dead-lettered, and
// whose row has not changed for stuck_after_ms (a live order writes at every
// PSP attempt, so silence means no actor is driving it: a lost message, a
// node that died). Each is resumed through the service, which makes its
// order actor ask the PSP with the same idempotency key before anything
// else. An order that is still stuck after several resumes is dead-lettered.

#include <unordered_map>

#include <spdlog/spdlog.h>

#include "observability/metrics.hpp"

namespace pay {

namespace {

struct watchdog_state {
  std::unordered_map<std::string, std::uint32_t> sightings;
  std::uint64_t found_total = 0;
  std::uint64_t resumed_total = 0;
  std::uint64_t escalated_total = 0;
  static inline const char* name = "watchdog";
};

using watchdog_self = watchdog_actor::stateful_pointer<watchdog_state>;

void inspect_stuck(watchdog_self self, const stuck_orders& found,
                   const payment_service_actor& service, const dlq_actor& dlq,
                   const watchdog_options& options) {
  auto& st = self->state;
  std::unordered_map<std::string, std::uint32_t> still;
  for (const auto& order : found.orders) {
    auto seen = st.sightings[order.id.value] + 1;
    ++st.found_total;
    if (seen >= options.sightings_max) {
      ++st.escalated_total;
      self
        ->request(dlq, options.request_timeout,
                  escalate_order{
                    order.id, "stuck",
                    "no progress for " + std::to_string(options.stuck_after_ms)
                      + " ms in " + std::to_string(seen) + " scans in a row",
                    order.psp_attempts, "watchdog"})
        .then([](const step_reply&) {},
              [id = order.id.value](caf::error& err) {
                spdlog::error("watchdog: cannot dead-letter {}: {}", id,
                              caf::to_string(err));
              });
      continue;
    }
    still[order.id.value] = seen;
    ++st.resumed_total;
    self
      ->request(service, options.request_timeout,
                resume_checkout{order.checkout})
      .then([](bool) {},
            [id = order.id.value](caf::error& err) {
              spdlog::error("watchdog: cannot resume order {}: {}", id,
                            caf::to_string(err));
            });
  }
  // Only orders seen in this scan keep their count: the map stays bounded by
  // one batch.
  st.sightings = std::move(still);
  if (!found.orders.empty())
    spdlog::warn(
      "watchdog: {} stuck orders (total found {}, resumed {}, "
      "dead-lettered {})",
      found.orders.size(), st.found_total, st.resumed_total,
      st.escalated_total);
}

watchdog_actor::behavior_type watchdog_behavior(watchdog_self self,
                                                store_pool stores,
                                                payment_service_actor service,
                                                dlq_actor dlq,
                                                watchdog_options options) {
  self->delayed_send(self, options.interval, watchdog_tick_atom::value);
  return {
    [=](watchdog_tick_atom) {
      self
        ->request(stores.shards.front(), options.request_timeout,
                  find_stuck_orders{options.stuck_after_ms, options.batch_max})
        .then(
          [=](const stuck_orders& found) {
            inspect_stuck(self, found, service, dlq, options);
          },
          [=](caf::error& err) {
            spdlog::error("watchdog: scan failed: {}", caf::to_string(err));
          });
      // The DLQ's size for the metrics: cheap, and fresh every interval.
      self
        ->request(stores.shards.front(), options.request_timeout,
                  count_open_dead_letters{})
        .then(
          [](std::int64_t open) {
            obs::metrics::get().dlq_open().Set(static_cast<double>(open));
          },
          [](caf::error&) {});
      self->delayed_send(self, options.interval, watchdog_tick_atom::value);
    },
  };
}

}  // namespace

watchdog_actor spawn_watchdog(caf::actor_system& sys, store_pool stores,
                              payment_service_actor service, dlq_actor dlq,
                              watchdog_options options) {
  return sys.spawn(watchdog_behavior, std::move(stores), std::move(service),
                   std::move(dlq), options);
}

}  // namespace pay
