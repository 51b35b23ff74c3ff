#include "http/request_header_checks.hpp"

#include <iterator>
#include <string>

#include <boost/beast/core/string.hpp>

namespace pay::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

// " HTTP/1.1": the version and the space before it.
constexpr std::size_t version_bytes = 9;

std::size_t request_line_bytes(const bhttp::request_header<>& header) {
  return header.method_string().size() + 1 + header.target().size()
         + version_bytes;
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

// Transfer-Encoding, all fields joined: chunked must be the last coding and
// the only one (we decode no other), exactly once.
std::optional<header_refusal> check_transfer_codings(
  const bhttp::request_header<>& header) {
  std::size_t chunked_seen = 0;
  bool other_seen = false;
  bool last_is_chunked = false;
  const auto fields = header.equal_range(bhttp::field::transfer_encoding);
  for (auto field = fields.first; field != fields.second; ++field) {
    std::string_view rest = field->value();
    while (true) {
      const std::size_t comma = rest.find(',');
      const std::string_view coding = trim_ows(rest.substr(0, comma));
      // Empty list elements are allowed and mean nothing (RFC 9110 §5.6.1).
      if (!coding.empty()) {
        last_is_chunked = beast::iequals(coding, "chunked");
        if (last_is_chunked) {
          ++chunked_seen;
        } else {
          other_seen = true;
        }
      }
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  if (!last_is_chunked || chunked_seen != 1) {
    return header_refusal{400, "bad_transfer_encoding",
                          "Transfer-Encoding must end with chunked, once"};
  }
  if (other_seen) {
    return header_refusal{501, "unsupported_transfer_coding",
                          "no transfer coding but chunked is supported"};
  }
  return std::nullopt;
}

}  // namespace

std::optional<header_refusal> check_request_header(
  const bhttp::request_header<>& header, const server_limits& limits) {
  if (request_line_bytes(header) > limits.request_line_bytes_max) {
    return header_refusal{414, "uri_too_long",
                          "request line exceeds the size limit"};
  }
  const auto fields = static_cast<std::size_t>(
    std::distance(header.begin(), header.end()));
  if (fields > limits.header_count_max) {
    return header_refusal{431, "too_many_header_fields",
                          "request header has too many fields"};
  }
  const auto hosts = header.count(bhttp::field::host);
  if (hosts > 1 || (hosts == 0 && header.version() >= 11)) {
    return header_refusal{400, "bad_host",
                          "an HTTP/1.1 request needs exactly one Host field"};
  }
  if (header.find(bhttp::field::transfer_encoding) == header.end()) {
    return std::nullopt;
  }
  // Either framing field alone is unambiguous; both together are how one
  // request hides a second from a proxy that picks the other (RFC 9112
  // §6.3), and an HTTP/1.0 peer cannot mean Transfer-Encoding (§6.1).
  if (header.find(bhttp::field::content_length) != header.end()) {
    return header_refusal{400, "conflicting_framing",
                          "both Content-Length and Transfer-Encoding"};
  }
  if (header.version() < 11) {
    return header_refusal{400, "bad_transfer_encoding",
                          "Transfer-Encoding in an HTTP/1.0 request"};
  }
  return check_transfer_codings(header);
}

bool request_line_too_long(std::string_view received,
                           std::size_t request_line_bytes_max) {
  const std::size_t end = received.find('\n');
  if (end == std::string_view::npos) {
    return received.size() > request_line_bytes_max;  // and still growing
  }
  std::size_t line_bytes = end;
  if (line_bytes > 0 && received[line_bytes - 1] == '\r') --line_bytes;
  return line_bytes > request_line_bytes_max;
}

}  // namespace pay::http
