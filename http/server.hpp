// A generic asynchronous HTTP/1.1 server (Boost.Beast), plain or HTTPS:
// keep-alive, one strand per connection, and an edge hardened against
// abusive clients (server_limits: sizes, a header deadline against
// slowloris, a connection cap, framing that could smuggle a request). The
// application sees each request once, through `handler`, and answers it
// through `responder`, immediately or later from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "http/server_limits.hpp"
#include "http/tls_options.hpp"

namespace pay::http {

using request = boost::beast::http::request<boost::beast::http::string_body>;
using response = boost::beast::http::response<boost::beast::http::string_body>;

// Must be called exactly once per request; may be called from ANY thread,
// later (the server posts the write onto the connection's strand). Further
// calls are ignored; if every copy is dropped uncalled the client gets a 500
// rather than a hung connection. After stop() calls are ignored. Passing
// connection_reset() answers nothing and resets the connection instead.
using responder = std::function<void(response)>;
using handler = std::function<void(request&&, responder)>;

// Every request handed to a handler carries the client's IP address
// ("127.0.0.1", "::1") in this field, for per-client decisions (rate limits).
// A field name cannot contain spaces on the wire, so no client can send or
// forge it.
inline constexpr std::string_view peer_address_field = "pay peer address";

// What the edge has seen, for metrics. Totals count since start().
struct server_counters {
  std::uint64_t connections_open = 0;  // now, every listener
  // Taken in to be served (refused ones are not counted here).
  std::uint64_t connections_accepted_total = 0;
  // Answered 503 too_many_connections (or closed, past a small number of
  // such answers in flight) because connections_max were open.
  std::uint64_t connections_refused_total = 0;
  // Closed because a request header was not complete header_timeout_ms after
  // its first byte.
  std::uint64_t header_timeouts_total = 0;
  // TLS handshakes that failed or did not finish within header_timeout_ms.
  std::uint64_t tls_handshake_failures_total = 0;
};

class server {
 public:
  // With `tls` enabled() the listener on `port` speaks HTTPS only.
  server(std::string address, std::uint16_t port, handler h,
         server_limits limits = {}, server_tls tls = {});
  ~server();  // stops and joins
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  // A second listener on the same address speaking plain HTTP, sharing the
  // handler, the threads and connections_max (for a TLS server: local
  // tools and probes). Call before start(); 0 picks a free port.
  void add_plain_listener(std::uint16_t port);

  // Binds, listens and starts the threads. Returns an empty string on success
  // or a clear message ("port 8080 already in use on 127.0.0.1", "cannot
  // read TLS private key /x/server.key: Permission denied") on failure.
  // Never throws for that.
  std::string start();
  // The bound port (useful when constructed with 0); 0 before start().
  std::uint16_t port() const;
  // The plain listener's bound port; 0 without one or before start().
  std::uint16_t plain_port() const;
  bool is_tls() const;
  // Closes the listeners and every connection, then joins the threads.
  // Idempotent.
  void stop();

  // Any thread, any time.
  server_counters counters() const;

  struct state;  // shared with connections, which may outlive the server

 private:
  std::string address_;
  std::uint16_t port_requested_;
  std::uint16_t port_bound_ = 0;
  bool plain_listener_ = false;
  std::uint16_t plain_port_requested_ = 0;
  std::uint16_t plain_port_bound_ = 0;
  server_tls tls_;
  std::shared_ptr<state> state_;
};

// A response with Content-Type and Content-Length; keep_alive and HTTP
// version follow the request.
response make_response(const request& req, unsigned status,
                       std::string_view content_type, std::string body);
// The same with Content-Type application/json.
response make_json_response(const request& req, unsigned status,
                            std::string body);

// Handed to a responder instead of an answer, this makes the server reset the
// connection (TCP RST) without writing a byte of any answer, as a peer that
// crashed or lost the connection mid-request would. It exists for fault
// injection (pspsim); a real service always answers.
response connection_reset();
// True for what connection_reset() returns and for nothing else an
// application would build: the marker is a header name no HTTP peer can send.
bool is_connection_reset(const response& res);

// Stripe-style error body:
// {"error":{"type":..,"code":..,"message":..,"param":..}}; param is null when
// empty.
std::string error_body(std::string_view type, std::string_view code,
                       std::string_view message, std::string_view param = {});

}  // namespace pay::http
