#include "app/reconciler_wiring.hpp"

#include "actors/reconcile/reconciler.hpp"

namespace pay {

reconciler_actor start_reconciler(caf::actor_system& sys, const settings& cfg,
                                  const engine& e) {
  reconciler_options options;
  options.database_url = cfg.database_url;
  options.source = cfg.reconcile_source;
  options.psp_base_url = cfg.psp_base_url;
  options.psp_api_key = cfg.psp_api_key;
  options.psp_stripe_version = cfg.psp_stripe_version;
  options.psp_ca_file = cfg.psp_ca_file;
  options.fee_terms = domain::fee_terms{cfg.fee_rate_bps, cfg.fee_fixed_minor};
  options.daily_minute_utc = daily_minute_utc(cfg.reconcile_daily_at);
  options.service = e.service;
  return spawn_reconciler(sys, std::move(options));
}

}  // namespace pay
