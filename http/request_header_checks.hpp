// What the server refuses in a request header that Beast's parser accepts:
// the limits of server_limits that Beast has no knob for, and framing that
// would let a request hide another (request smuggling, RFC 9112 §6.1 and
// §6.3), and the Host rules of RFC 9112 §3.2. Pure functions, so each rule
// is tested without a socket.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include <boost/beast/http/message.hpp>

#include "http/server_limits.hpp"

namespace pay::http {

struct header_refusal {
  unsigned status;           // 400, 414, 431 or 501
  std::string_view code;     // the error body's code
  std::string_view message;  // the error body's message
};

// Nothing when the header may be served.
std::optional<header_refusal> check_request_header(
  const boost::beast::http::request_header<>& header,
  const server_limits& limits);

// After Beast refused a header as too large (431): whether the request line
// alone is already over request_line_bytes_max (414 then). `received` is
// what the connection buffered of the header, from its first byte.
bool request_line_too_long(std::string_view received,
                           std::size_t request_line_bytes_max);

}  // namespace pay::http
