#include "gateway/common/owner_forwarder.hpp"

#include <spdlog/spdlog.h>

#include "gateway/common/exchange.hpp"
#include "http/server.hpp"

namespace pay::gateway {

owner_forwarder::owner_forwarder(std::string node_id,
                                 std::uint32_t request_timeout_ms)
    : node_id_(std::move(node_id)), request_timeout_ms_(request_timeout_ms) {}

http::client_pool* owner_forwarder::pool_for(const std::string& address) {
  std::lock_guard lock(mutex_);
  auto it = pools_.find(address);
  if (it != pools_.end()) return it->second.get();
  auto url = http::parse_base_url(address);
  if (!url) return nullptr;
  http::client_pool_limits limits;
  limits.connections_max = 64;
  limits.request_timeout_ms = request_timeout_ms_;
  auto pool = std::make_unique<http::client_pool>(
    url->host, url->port, limits, http::client_tls_for(*url, {}));
  return pools_.emplace(address, std::move(pool)).first->second.get();
}

void owner_forwarder::forward(const exchange& original,
                              const std::string& owner_address) {
  // The answer comes on a pool thread, after the route is long gone.
  auto ex = std::make_shared<const exchange>(original);
  auto retry_later = [&](const char* code, std::string message) {
    ex->fail(api_error{503, "api_error", code, std::move(message), {}, 1});
  };
  // Only a request that names the checkout gets here; its route said so.
  if (!ex->req[forwarded_header].empty()) {
    retry_later("owner_moved",
                "The checkout changed nodes while this request was on its "
                "way; retry it.");
    return;
  }
  auto* pool = pool_for(owner_address);
  if (!pool) {
    spdlog::error("cluster: owner address '{}' is not a URL", owner_address);
    retry_later("owner_unavailable",
                "The node that owns this checkout "
                "cannot be reached; retry it.");
    return;
  }
  auto req = ex->req;
  // The server's own note of the client's address is no header to send
  // (its name cannot be sent; the owner notes ours).
  req.erase(http::peer_address_field);
  req.set(forwarded_header, node_id_);
  // The owner logs it as cli_<our id>: one request, traceable on both.
  req.set("X-Request-Id", ex->request_id);
  pool->async_send(std::move(req), [ex, owner_address](http::send_result r) {
    if (r.outcome == http::send_outcome::responded) {
      ex->respond(std::move(r.res));
      return;
    }
    spdlog::warn("cluster: forwarding {} to {} failed: {}", ex->request_id,
                 owner_address, r.error);
    // A node that just died: its lease runs out and a survivor takes its
    // checkouts over, so the retry finds the new owner.
    ex->fail(api_error{503,
                       "api_error",
                       "owner_unavailable",
                       "The node that owns this checkout cannot be reached; "
                       "retry it.",
                       {},
                       1});
  });
}

}  // namespace pay::gateway
