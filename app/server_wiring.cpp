#include "app/server_wiring.hpp"

namespace pay {

http::server_limits server_limits_from(const settings& cfg) {
  http::server_limits limits;
  limits.body_bytes_max = cfg.http_body_bytes_max;
  limits.read_timeout_ms = cfg.http_read_timeout_ms;
  limits.threads = cfg.http_threads;
  return limits;
}

}  // namespace pay
