// The TLS policy of this code base, in one place: which protocol versions
// and ciphers a server offers, and how a client verifies its peer. Every
// HTTPS endpoint (paymentd, pspsim) and every HTTPS client (the PSP pool,
// pspsim's webhooks, the reconciler's download, tests) gets its context here.
#pragma once

#include <memory>
#include <string>

#include <openssl/ssl.h>
#include <boost/asio/ssl/context.hpp>

#include "http/tls_options.hpp"

namespace pay::http {

struct tls_context_result {
  std::shared_ptr<boost::asio::ssl::context> context;  // null on error
  std::string error;  // says which file and why, e.g. "cannot read ..."
};

// TLS 1.2 and 1.3 only; for 1.2 only ECDHE key exchange with AES-GCM or
// ChaCha20-Poly1305 (1.3's suites are all AEAD); the server's cipher order
// wins; no renegotiation, no compression. The key must match the
// certificate.
tls_context_result make_server_tls_context(const server_tls& files);

// TLS 1.2 and 1.3 only; the peer's chain must verify against `trust.ca_file`
// (or the system's CAs when it is empty). The host name is checked per
// connection (prepare_client_tls).
tls_context_result make_client_tls_context(const client_tls& trust);

// Before a client handshake: sends `host` as SNI (unless it is an IP
// address, which SNI cannot carry) and makes the handshake fail unless the
// peer's certificate names `host` (DNS name or IP address). Empty on success.
std::string prepare_client_tls(SSL* ssl, const std::string& host);

// After a failed client handshake: why, in words, including the
// certificate check's verdict when that is what failed.
std::string describe_handshake_failure(SSL* ssl,
                                       const boost::system::error_code& ec);

}  // namespace pay::http
