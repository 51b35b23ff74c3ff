#pragma once
// The HTTP server's limits (and, with TLS, its certificate) from paymentd's
// settings.

#include "config/settings.hpp"
#include "http/server.hpp"

namespace pay {

http::server_limits server_limits_from(const settings& cfg);

}  // namespace pay
