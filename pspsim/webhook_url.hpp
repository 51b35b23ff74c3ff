// Where webhooks go: "http://host[:port][/path]" split into what the client
// pool (host, port) and the request line (target) need.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pay::pspsim {

struct webhook_url {
  std::string host;
  std::uint16_t port = 80;
  std::string target = "/";  // path and query, never empty
};

// nullopt for anything but plain http with a host (https, user info, a
// port outside 1..65535, a fragment).
std::optional<webhook_url> parse_webhook_url(std::string_view url);

}  // namespace pay::pspsim
