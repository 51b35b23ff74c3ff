#include "app/gateway_wiring.hpp"

#include "gateway/common/owner_forwarder.hpp"

namespace pay {

gateway::gateway_options gateway_options_from(
  const settings& cfg, const engine& running,
  std::shared_ptr<gateway::key_registry> keys,
  const domain::node_identity& me) {
  gateway::gateway_options gw;
  gw.keys = std::move(keys);
  gw.orders_per_checkout_max = cfg.orders_per_checkout_max;
  gw.wait_s_max = cfg.wait_s_max;
  gw.store_instances = cfg.database_connections + cfg.admission_connections;
  gw.webhook_secrets = split_list(cfg.psp_webhook_secrets);
  gw.webhook_tolerance_s = cfg.webhook_tolerance_s;
  gw.metrics_public = cfg.metrics_public;
  gw.read_rate = {cfg.rate_read_per_s, cfg.rate_read_burst};
  gw.write_rate = {cfg.rate_create_per_s, cfg.rate_create_burst};
  gw.admin_rate = {cfg.rate_admin_per_s, cfg.rate_admin_burst};
  gw.open_rate = {cfg.rate_open_per_s, cfg.rate_open_burst};
  gw.auth_failure_rate = {cfg.rate_auth_failures_per_s,
                          cfg.rate_auth_failures_burst};
  gw.waits_per_key_max = cfg.waits_per_key_max;
  gw.waits_max = cfg.waits_max;
  gw.buyer_info_bytes_max = cfg.buyer_info_bytes_max;
  gw.buyer_info_keys_max = cfg.buyer_info_keys_max;
  gw.request_timeout = running.deps.store_timeout
                       + std::chrono::milliseconds{5'000};
  gw.me = me;
  // A forwarded request may wait as long as any request here.
  if (me.clustered())
    gw.forwarder = std::make_shared<gateway::owner_forwarder>(
      me.node_id,
      static_cast<std::uint32_t>(gw.request_timeout.count()) + 1'000);
  return gw;
}

}  // namespace pay
