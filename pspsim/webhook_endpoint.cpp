#include "pspsim/webhook_endpoint.hpp"

#include <string>

#include "http/client_pool.hpp"

namespace pay::pspsim {

std::optional<webhook_endpoint> parse_webhook_endpoint(std::string_view url) {
  constexpr std::string_view https_prefix = "https://";
  if (url.substr(0, https_prefix.size()) != https_prefix) {
    auto plain = parse_webhook_url(url);
    if (!plain) return std::nullopt;
    return webhook_endpoint{std::move(*plain), false};
  }
  // The rest splits as for http; only the default port differs, and
  // parse_base_url knows https's.
  const std::string_view rest = url.substr(https_prefix.size());
  auto split = parse_webhook_url("http://" + std::string(rest));
  if (!split) return std::nullopt;
  const std::size_t path_at = url.find_first_of("/?", https_prefix.size());
  const auto base = http::parse_base_url(url.substr(0, path_at));
  if (!base) return std::nullopt;
  split->port = base->port;
  return webhook_endpoint{std::move(*split), true};
}

}  // namespace pay::pspsim
