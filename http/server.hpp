// A generic asynchronous HTTP/1.1 server (Boost.Beast): keep-alive, one
// strand per connection, a body-size limit and read/write timeouts. The
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

struct server_limits {
  std::size_t body_bytes_max = 1 << 20;    // larger body -> 413, connection closed
  std::uint32_t read_timeout_ms = 30'000;  // idle keep-alive / slow client
  std::uint32_t write_timeout_ms = 30'000;
  unsigned threads = 2;                    // io_context threads
};

class server {
 public:
  server(std::string address, std::uint16_t port, handler h,
         server_limits limits = {});
  ~server();  // stops and joins
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  // Binds, listens and starts the threads. Returns an empty string on success
  // or a clear message ("port 8080 already in use on 127.0.0.1") on failure.
  // Never throws for that.
  std::string start();
  // The bound port (useful when constructed with 0); 0 before start().
  std::uint16_t port() const;
  // Closes the listener and every connection, then joins the threads.
  // Idempotent.
  void stop();

  struct state;  // shared with connections, which may outlive the server

 private:
  std::string address_;
  std::uint16_t port_requested_;
  std::uint16_t port_bound_ = 0;
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
