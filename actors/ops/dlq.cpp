#include "actors/ops/dlq.hpp"

// Every change to a dead letter goes through here, so escalations are logged
// in one place; the entries themselves live in the database (dead_letter).

#include <spdlog/spdlog.h>

#include "observability/log.hpp"
#include "observability/metrics.hpp"

namespace pay {

namespace {

dlq_actor::behavior_type dlq_behavior(dlq_actor::pointer self,
                                      store_pool stores) {
  return {
    [=](const escalate_order& cmd) {
      obs::metrics::get().dlq_escalation(cmd.reason);
      log::error(cmd.correlation_id,
                 "dead-lettering order {}: {} ({}) after {} attempts",
                 cmd.id.value, cmd.reason, cmd.last_error, cmd.attempts);
      return self->delegate(stores.for_key(cmd.id.value), cmd);
    },
    [=](const list_dead_letters& q) {
      return self->delegate(stores.shards.front(), q);
    },
    [=](const requeue_dead_letter& cmd) {
      spdlog::info("operator requeues order {}", cmd.id.value);
      return self->delegate(stores.for_key(cmd.id.value), cmd);
    },
    [=](const resolve_dead_letter& cmd) {
      spdlog::info("operator resolves order {} as FAILED: {}", cmd.id.value,
                   cmd.reason);
      return self->delegate(stores.for_key(cmd.id.value), cmd);
    },
  };
}

}  // namespace

dlq_actor spawn_dlq(caf::actor_system& sys, store_pool stores) {
  return sys.spawn(dlq_behavior, std::move(stores));
}

}  // namespace pay
