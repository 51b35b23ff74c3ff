#include "gateway/access/access.hpp"

#include <boost/beast/core/detail/base64.hpp>
#include <boost/beast/core/string.hpp>

#include "http/server.hpp"

namespace pay::gateway {

namespace bhttp = boost::beast::http;

namespace {

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// "Bearer" / "Basic" and the credentials after one or more spaces.
std::optional<std::string_view> credentials_of(std::string_view header,
                                               std::string_view scheme) {
  if (header.size() <= scheme.size()
      || !boost::beast::iequals(header.substr(0, scheme.size()), scheme)
      || header[scheme.size()] != ' ')
    return std::nullopt;
  auto rest = header.substr(scheme.size());
  rest.remove_prefix(std::min(rest.find_first_not_of(' '), rest.size()));
  while (!rest.empty() && rest.back() == ' ') rest.remove_suffix(1);
  if (rest.empty()) return std::nullopt;
  return rest;
}

std::optional<std::string> basic_user(std::string_view encoded) {
  namespace b64 = boost::beast::detail::base64;
  if (encoded.size() > 512 || encoded.size() % 4 != 0) return std::nullopt;
  auto body = encoded.substr(0, encoded.find_last_not_of('=') + 1);
  if (encoded.size() - body.size() > 2
      || body.find_first_not_of(
           "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstu"
           "vwxyz0123456789+/")
           != std::string_view::npos)
    return std::nullopt;
  std::string decoded(b64::decoded_size(encoded.size()), '\0');
  auto written =
    b64::decode(decoded.data(), encoded.data(), encoded.size()).first;
  decoded.resize(written);
  // curl -u key: sends "key:"; a password, if any, is ignored as Stripe does.
  return decoded.substr(0, decoded.find(':'));
}

}  // namespace

std::string_view to_string(route_class c) {
  switch (c) {
    case route_class::open:
      return "open";
    case route_class::read:
      return "read";
    case route_class::write:
      return "write";
    case route_class::admin:
      return "admin";
  }
  return "open";
}

route_class classify(bhttp::verb method, std::string_view path,
                     bool metrics_public) {
  if (path == "/admin/ui" || starts_with(path, "/admin/ui/"))
    return route_class::open;
  if (path == "/admin" || starts_with(path, "/admin/"))
    return route_class::admin;
  if (path == "/metrics")
    return metrics_public ? route_class::open : route_class::admin;
  if (path == "/v1/webhooks/psp") return route_class::open;
  if (path == "/v1" || starts_with(path, "/v1/"))
    return method == bhttp::verb::get || method == bhttp::verb::head
             ? route_class::read
             : route_class::write;
  return route_class::open;
}

std::optional<std::string> presented_key(const http::request& req) {
  auto it = req.find(bhttp::field::authorization);
  if (it == req.end()) return std::nullopt;
  std::string_view header{it->value().data(), it->value().size()};
  if (auto bearer = credentials_of(header, "Bearer"))
    return std::string{*bearer};
  if (auto basic = credentials_of(header, "Basic")) return basic_user(*basic);
  return std::nullopt;
}

std::string client_address(const http::request& req) {
  auto it = req.find(http::peer_address_field);
  return it == req.end() ? std::string{}
                         : std::string{it->value().data(), it->value().size()};
}

bool role_allows(domain::key_role role, route_class c) {
  switch (c) {
    case route_class::open:
    case route_class::read:
      return true;
    case route_class::write:
      return role != domain::key_role::readonly;
    case route_class::admin:
      return role == domain::key_role::admin;
  }
  return false;
}

}  // namespace pay::gateway
