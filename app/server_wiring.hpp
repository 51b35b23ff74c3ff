#pragma once
// paymentd's HTTP server from its settings: the edge's limits, and with
// http.tls_cert and http.tls_key HTTPS on http.port (plus plain HTTP on
// http.plain_port when it is not 0).

#include <memory>
#include <string>

#include "config/settings.hpp"
#include "http/server.hpp"

namespace pay {

http::server_limits server_limits_from(const settings& cfg);
http::server_tls server_tls_from(const settings& cfg);

// Constructed, not started.
std::unique_ptr<http::server> make_server(const settings& cfg,
                                          http::handler handler);

// One line per listener, "paymentd listening on https://127.0.0.1:8443"
// first: scripts and tests wait for these.
std::string listening_banner(const settings& cfg, const http::server& server);

}  // namespace pay
