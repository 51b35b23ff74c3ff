#pragma once
// Who may call which route: the route's class (open, read, write, admin),
// the key a request presents, and whether a key's role allows the class.
// Pure functions, tested without a server.

#include <optional>
#include <string>
#include <string_view>

#include <boost/beast/http/verb.hpp>

#include "domain/access/api_key.hpp"
#include "http/types.hpp"

namespace pay::gateway {

enum class route_class {
  open,   // health, buyers' status page, signed webhooks, operator page files
  read,   // GET /v1/...
  write,  // any other method on /v1/...
  admin,  // /admin/... (and /metrics when it is not public)
};

std::string_view to_string(route_class c);

route_class classify(boost::beast::http::verb method, std::string_view path,
                     bool metrics_public);

// The key in `Authorization: Bearer <key>` or `Authorization: Basic
// base64(<key>:)` (Stripe's curl -u key:), the scheme in any case. Nothing
// when the header is missing or malformed.
std::optional<std::string> presented_key(const http::request& req);

// The client's address as the server saw the connection ("" when unknown).
// The server sets it in a field no client can send (its name has spaces).
std::string client_address(const http::request& req);

// admin: everything; merchant: read and write; readonly: read.
bool role_allows(domain::key_role role, route_class c);

}  // namespace pay::gateway
