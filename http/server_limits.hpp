// What paymentd's and pspsim's HTTP server allows one client, each limit
// named after what it bounds. The server answers a breach itself, before any
// handler sees the request, and closes the connection after the answer.
#pragma once

#include <cstddef>
#include <cstdint>

namespace pay::http {

struct server_limits {
  // A larger body -> 413. A Content-Length above it is answered right after
  // the header, before a byte of the body is read.
  std::size_t body_bytes_max = 1 << 20;
  // Request line plus fields -> 431 (Beast's header_limit).
  std::size_t header_bytes_max = 16 * 1024;
  // More header fields -> 431.
  std::size_t header_count_max = 100;
  // A longer request line (method, target, version) -> 414.
  std::size_t request_line_bytes_max = 8 * 1024;
  // Keep-alive idle: how long a connection may wait for the first byte of
  // its next (or first) request.
  std::uint32_t read_timeout_ms = 30'000;
  // From a request's first byte, its whole header must arrive within this
  // (a slowloris client dripping a byte at a time is closed), and a TLS
  // handshake must finish within it from accept. The body then gets
  // read_timeout_ms.
  std::uint32_t header_timeout_ms = 10'000;
  std::uint32_t write_timeout_ms = 30'000;
  // Open client connections at most, across every listener of the server.
  // One more is answered 503 too_many_connections and closed, so file
  // descriptors stay free for the PSP and the database.
  std::size_t connections_max = 4'096;
  unsigned threads = 2;  // io_context threads
};

}  // namespace pay::http
