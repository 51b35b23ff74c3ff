#include "app/gateway_wiring.hpp"

namespace pay {

gateway::gateway_options gateway_options_from(const settings& cfg,
                                              const engine& running) {
  gateway::gateway_options gw;
  gw.orders_per_checkout_max = cfg.orders_per_checkout_max;
  gw.wait_s_max = cfg.wait_s_max;
  gw.store_instances = cfg.database_connections + cfg.admission_connections;
  gw.webhook_secrets = split_list(cfg.psp_webhook_secrets);
  gw.webhook_tolerance_s = cfg.webhook_tolerance_s;
  gw.request_timeout =
    running.deps.store_timeout + std::chrono::milliseconds{5'000};
  return gw;
}

}  // namespace pay
