#include "app/refund_wiring.hpp"

#include "actors/refund/refund_service.hpp"
#include "actors/refund/refund_store.hpp"

namespace pay {

namespace {

// One connection for the refund actors' steps, and this many for creates
// and reads, so a burst of refund requests does not hold up finishing ones.
constexpr unsigned refund_request_stores = 2;

}  // namespace

refund_service_actor start_refunds(caf::actor_system& sys, const settings& cfg,
                                   const engine& e) {
  refund_service_options options;
  for (unsigned i = 0; i < refund_request_stores; ++i)
    options.stores.push_back(spawn_refund_store(sys, cfg.database_url));
  options.deps.store = spawn_refund_store(sys, cfg.database_url);
  options.deps.psp = e.psp;
  options.deps.retry = e.deps.retry;
  options.deps.retry_deadline = e.deps.retry_deadline;
  options.deps.poll = domain::poll_policy{cfg.processing_poll_ms,
                                          cfg.pending_poll_max_ms};
  options.deps.key_trust_s = cfg.psp_idempotency_key_trust_s;
  options.deps.store_timeout = e.deps.store_timeout;
  options.deps.psp_timeout = e.deps.psp_timeout;
  options.restarts_max = cfg.restarts_max;
  auto stores = options.stores;
  stores.push_back(options.deps.store);
  auto service = spawn_refund_service(sys, std::move(options));
  // The stores live as long as the service: stopping it stops them.
  for (const auto& store : stores)
    service->attach_functor(
      [store] { caf::anon_send_exit(store, caf::exit_reason::user_shutdown); });
  caf::anon_send(service, refund_recover_atom::value);
  return service;
}

}  // namespace pay
