// Where webhooks go, scheme included: "http://host[:port][/path]" or
// "https://host[:port][/path]" (port 80 or 443 by default). webhook_url
// splits the plain form; this adds https, whose sender must speak TLS.
#pragma once

#include <optional>
#include <string_view>

#include "pspsim/webhook_url.hpp"

namespace pay::pspsim {

struct webhook_endpoint {
  webhook_url url;   // host, port, target
  bool tls = false;  // https: the receiver's certificate is verified
};

// nullopt for what parse_webhook_url refuses, in either scheme.
std::optional<webhook_endpoint> parse_webhook_endpoint(std::string_view url);

}  // namespace pay::pspsim
