#include "app/payout_wiring.hpp"

#include "actors/payout/payout_service.hpp"
#include "actors/payout/payout_store.hpp"

namespace pay {

payout_service_actor start_payouts(caf::actor_system& sys, const settings& cfg,
                                   const engine& e) {
  auto hold_s = static_cast<std::int64_t>(cfg.payout_hold_s);
  payout_deps deps;
  deps.store = spawn_payout_store(sys, payout_store_options{cfg.database_url,
                                                            hold_s});
  for (unsigned i = 0; i < cfg.payout_read_connections; ++i)
    deps.readers.push_back(
      spawn_payout_store(sys, payout_store_options{cfg.database_url, hold_s}));
  deps.psp = e.psp;
  deps.retry = e.deps.retry;
  deps.retry_deadline = e.deps.retry_deadline;
  deps.psp_timeout = e.deps.psp_timeout;
  deps.store_timeout = e.deps.store_timeout;
  deps.poll_base = e.deps.processing_poll;
  deps.poll_max = e.deps.pending_poll_max;
  deps.key_trust_s = static_cast<std::int64_t>(cfg.psp_idempotency_key_trust_s);
  payout_service_options options;
  options.interval_s = cfg.payout_interval_s;
  options.hold_s = hold_s;
  options.restarts_max = cfg.restarts_max;
  options.minimum_minor = static_cast<std::int64_t>(cfg.payout_minimum_minor);
  options.default_country = cfg.connect_default_country;
  auto service = spawn_payout_service(sys, std::move(deps), options);
  caf::anon_send(service, payout_recover_atom::value);
  return service;
}

}  // namespace pay
