// A blocking HTTP/1.1 client for tests and tools: one keep-alive connection,
// plain or TLS (client_tls: the peer's chain and host name verified), every
// operation bounded by a timeout, errors returned as values. One instance
// per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "http/server.hpp"
#include "http/tls_options.hpp"

namespace pay::http {

struct sync_result {
  bool ok = false;    // a complete response was received (any status)
  std::string error;  // why not, when !ok
  response res;
};

class sync_client {
 public:
  using header_list = std::vector<std::pair<std::string, std::string>>;

  // With tls.enabled it speaks TLS to `host`, which the certificate must
  // name; a CA file that cannot be loaded fails every request (ok false).
  sync_client(std::string host, std::uint16_t port,
              std::uint32_t timeout_ms = 10'000, client_tls tls = {});
  ~sync_client();
  sync_client(const sync_client&) = delete;
  sync_client& operator=(const sync_client&) = delete;

  // Sent with every request that does not set the field itself (a client's
  // API key, for instance).
  void set_default_headers(header_list headers) {
    default_headers_ = std::move(headers);
  }

  // Sets Host and Content-Length; reconnects if the server closed the kept
  // connection. Never throws.
  sync_result send(request req);
  sync_result get(const std::string& target, const header_list& headers = {});
  sync_result post(const std::string& target, std::string body,
                   const std::string& content_type,
                   const header_list& headers = {});

 private:
  struct connection;
  std::string host_;
  std::uint16_t port_;
  std::uint32_t timeout_ms_;
  client_tls tls_;
  header_list default_headers_;
  std::unique_ptr<connection> connection_;
};

}  // namespace pay::http
