#include "pspsim/webhook_url.hpp"

#include "http/client_pool.hpp"

namespace pay::pspsim {

std::optional<webhook_url> parse_webhook_url(std::string_view url) {
  constexpr std::string_view scheme = "http://";
  if (url.substr(0, scheme.size()) != scheme) return std::nullopt;
  if (url.find('#') != std::string_view::npos) return std::nullopt;
  const std::size_t path_at = url.find_first_of("/?", scheme.size());
  const std::string_view base = url.substr(0, path_at);
  const auto parsed = http::parse_base_url(base);
  if (!parsed) return std::nullopt;
  webhook_url out{parsed->host, parsed->port, "/"};
  if (path_at != std::string_view::npos) {
    out.target = std::string(url.substr(path_at));
    if (out.target.front() == '?') out.target.insert(0, "/");
  }
  return out;
}

}  // namespace pay::pspsim
