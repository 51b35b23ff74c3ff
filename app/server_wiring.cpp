#include "app/server_wiring.hpp"

namespace pay {

http::server_limits server_limits_from(const settings& cfg) {
  http::server_limits limits;
  limits.body_bytes_max = cfg.http_body_bytes_max;
  limits.read_timeout_ms = cfg.http_read_timeout_ms;
  limits.header_timeout_ms = cfg.http_header_timeout_ms;
  limits.header_bytes_max = cfg.http_header_bytes_max;
  limits.header_count_max = cfg.http_header_count_max;
  limits.request_line_bytes_max = cfg.http_request_line_bytes_max;
  limits.connections_max = cfg.http_connections_max;
  limits.threads = cfg.http_threads;
  return limits;
}

http::server_tls server_tls_from(const settings& cfg) {
  return http::server_tls{cfg.http_tls_cert, cfg.http_tls_key};
}

std::unique_ptr<http::server> make_server(const settings& cfg,
                                          http::handler handler) {
  auto server = std::make_unique<http::server>(cfg.http_address, cfg.http_port,
                                               std::move(handler),
                                               server_limits_from(cfg),
                                               server_tls_from(cfg));
  // settings refuse a plain port without TLS on http.port.
  if (cfg.http_plain_port != 0) server->add_plain_listener(cfg.http_plain_port);
  return server;
}

std::string listening_banner(const settings& cfg, const http::server& server) {
  auto line = [&](const char* scheme, std::uint16_t port) {
    return std::string{"paymentd listening on "} + scheme + "://"
           + cfg.http_address + ":" + std::to_string(port) + "\n";
  };
  std::string banner = line(server.is_tls() ? "https" : "http", server.port());
  if (server.plain_port() != 0) banner += line("http", server.plain_port());
  return banner;
}

}  // namespace pay
