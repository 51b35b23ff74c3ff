// An asynchronous keep-alive HTTP/1.1 client pool to one host, over plain
// TCP or TLS (client_tls: the peer's chain and host name verified, TLS 1.2+).
//
// paymentd's PSP client sends every charge through this pool. Its one job
// beyond moving bytes is to say precisely what became of each request, in the
// terms a payment system needs:
//   - not_sent_*: no byte of the request can have reached the server, so the
//     caller may retry blindly;
//   - unknown_*: the request was (fully or partly) written and no complete
//     response came back, so the server may have acted on it; the caller must
//     ask the server what happened and must never retry blindly.
//
// Each request moves through:
//
//   async_send --> [queued] --> [connecting] --> [writing] --> [reading]
//       |             |              |               |              |
//       v             v              v               v              v
//   saturated     (shutdown)   connect_failed   unknown_*      responded /
//   (queue full)  saturated                                    unknown_*
//
// With TLS a connection is ready once its handshake is done; a handshake
// that fails (or a certificate that does not verify) is connect_failed:
// no byte of the request has been written. Bytes of a TLS record the server
// received only in part cannot be decrypted, let alone acted on, so the
// classification below holds for TLS as for plain TCP.
//
// Stale keep-alive connections. A server may close an idle keep-alive
// connection at any moment. If that close races with our write, the write
// succeeds into the kernel buffer and the read then sees EOF with zero
// response bytes; from the client's side that is indistinguishable from a
// server that crashed while processing the charge, so it is reported as
// unknown_connection_lost and never retried. To keep that race rare, the
// pool (1) peeks at an idle connection right before reusing it and replaces
// it with a fresh one if the server has already closed it (nothing of the
// request has been written, so this is safe), (2) retries once on a fresh
// connection when a write on a reused connection fails before a single byte
// was accepted, and (3) closes connections idle for idle_timeout_ms, shorter
// than the usual server keep-alive timeout (nginx 75 s, Node 5 s).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "http/tls_options.hpp"
#include "http/types.hpp"

namespace pay::http {

enum class send_outcome : std::uint8_t {
  // A complete HTTP response was read, whatever its status.
  responded = 0,
  // Resolve / connect refused / unreachable / connect timeout / TLS
  // handshake failed or the peer's certificate did not verify, or the
  // connection died before the kernel accepted a single byte of the request.
  not_sent_connect_failed = 1,
  // The queue was at queue_max, or the pool was shutting down before the
  // request was tried.
  not_sent_pool_saturated = 2,
  // Request written (or partly), no complete response within
  // request_timeout_ms.
  unknown_timeout = 3,
  // Reset, EOF, unparsable response or pool shutdown after writing started.
  unknown_connection_lost = 4,
};

struct send_result {
  send_outcome outcome;
  response res;       // meaningful only when outcome == responded
  std::string error;  // human-readable cause; empty when responded
  // From async_send to the callback, time spent queued included.
  std::uint32_t elapsed_ms;
};

struct client_pool_limits {
  std::size_t connections_max = 64;  // concurrent connections to the one host
  std::size_t queue_max = 100'000;   // waiting requests beyond connections_max
  // TCP connect and, with TLS, the handshake, together: name resolution is
  // bounded by the system resolver's own timeouts because getaddrinfo
  // cannot be interrupted.
  std::uint32_t connect_timeout_ms = 2'000;
  std::uint32_t request_timeout_ms = 10'000;  // write + read of one request
  unsigned threads = 1;                       // its own io_context thread(s)
  // Shorter than typical server keep-alive timeouts; see the file comment.
  std::uint32_t idle_timeout_ms = 4'000;
};

class client_pool {
 public:
  // With tls.enabled every connection speaks TLS to `host` (sent as SNI,
  // and the name the certificate must carry). A CA file that cannot be
  // loaded fails every request as not_sent_connect_failed; check it first
  // with check_client_tls.
  client_pool(std::string host, std::uint16_t port,
              client_pool_limits limits = {}, const client_tls& tls = {});
  // Stops the io threads after every pending callback has run: queued
  // requests get not_sent_pool_saturated, connecting ones
  // not_sent_connect_failed, written ones unknown_connection_lost. Must not be
  // called from a pool thread (i.e. from inside a `done` callback).
  ~client_pool();

  client_pool(const client_pool&) = delete;
  client_pool& operator=(const client_pool&) = delete;

  // Thread-safe. `done` is called exactly once, on a pool thread, and must
  // not throw. Sets Host (unless present), keep-alive and Content-Length.
  void async_send(request req, std::function<void(send_result)> done);

  struct stats {
    std::size_t connections_open;  // connecting, busy or idle
    std::size_t in_flight;         // requests assigned to a connection
    std::size_t queued;            // requests waiting for a connection
  };
  stats snapshot() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// Parses "http://host:port", "http://host" (port 80), "https://host:port"
// or "https://host" (port 443), with an optional trailing "/". IPv6 hosts go
// in brackets: "http://[::1]:8080". Returns nullopt for any other scheme, a
// path, user info, or a port outside 1-65535.
enum class url_scheme : std::uint8_t { http = 0, https = 1 };
struct base_url {
  std::string host;
  std::uint16_t port;
  url_scheme scheme = url_scheme::http;

  bool is_https() const { return scheme == url_scheme::https; }
};
std::optional<base_url> parse_base_url(std::string_view url);

// The client_tls to reach `url`: TLS for https, verified against `ca_file`
// (empty: the system's CAs).
client_tls client_tls_for(const base_url& url, std::string ca_file);

}  // namespace pay::http
