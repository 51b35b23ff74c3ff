// What TLS needs from the outside, as plain data: the server's certificate
// and key files, and the client's trust (whether to speak TLS, and which CA
// file verifies the peer). Kept free of OpenSSL and Asio headers so that any
// header may carry them.
#pragma once

#include <string>

namespace pay::http {

// Both files set: the server speaks HTTPS. Both are PEM; the chain file holds
// the server's certificate first, then any intermediates.
struct server_tls {
  std::string cert_chain_file;
  std::string private_key_file;

  bool enabled() const {
    return !cert_chain_file.empty() || !private_key_file.empty();
  }
};

struct client_tls {
  bool enabled = false;
  // PEM file of the CA certificates that may sign the peer's chain; empty:
  // the system's trusted CAs (OpenSSL's default verify paths).
  std::string ca_file;
};

// Empty when `tls` can make a client context (or is not enabled), else why
// not ("cannot read TLS CA file /x/ca.crt: No such file or directory"):
// for callers to refuse a bad setting at start rather than fail every
// request.
std::string check_client_tls(const client_tls& tls);

}  // namespace pay::http
