#include "http/sync_client.hpp"

#include <optional>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "http/byte_stream.hpp"
#include "http/tls_context.hpp"

namespace pay::http {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

// A response larger than this is refused rather than buffered.
constexpr std::size_t response_body_bytes_max = 64 << 20;

}  // namespace

// Blocking calls on a tcp_stream ignore its timeout, so each step is an async
// operation driven to completion by running the private io_context.
struct sync_client::connection {
  net::io_context ioc;
  std::shared_ptr<net::ssl::context> tls;  // made on first use when TLS
  std::optional<byte_stream> stream;
  beast::flat_buffer buffer;
  bool reused = false;  // at least one exchange already happened on it

  template <class Start>
  error_code run(Start&& start) {
    error_code result = net::error::would_block;
    start([&result](error_code ec, auto&&...) { result = ec; });
    ioc.restart();
    ioc.run();
    return result;
  }

  // False when the server has closed (or written unasked to) an idle kept
  // connection; checked before reuse so the request is not written into it.
  bool still_open() {
    error_code ec;
    auto& socket = stream->tcp().socket();
    socket.non_blocking(true, ec);
    char byte = 0;
    const std::size_t peeked = socket.receive(net::buffer(&byte, 1),
                                              tcp::socket::message_peek, ec);
    const bool open = ec == net::error::would_block && peeked == 0;
    socket.non_blocking(false, ec);
    return open;
  }

  void close() {
    if (stream) stream->tcp().close();
    stream.reset();
    buffer.clear();
    reused = false;
  }
};

namespace {

// Empty on success, else why the connection (and with TLS its handshake)
// could not be made.
template <class Connection>
std::string connect_to(Connection& c, const std::string& host,
                       std::uint16_t port, std::chrono::milliseconds timeout,
                       const client_tls& tls) {
  if (!tls.enabled) {
    c.stream.emplace(beast::tcp_stream(c.ioc));
  } else {
    if (!c.tls) {
      auto made = make_client_tls_context(tls);
      if (!made.context) return std::move(made.error);
      c.tls = std::move(made.context);
    }
    c.stream.emplace(beast::tcp_stream(c.ioc), *c.tls);
    std::string error = prepare_client_tls(c.stream->tls().native_handle(),
                                           host);
    if (!error.empty()) {
      c.close();
      return error;
    }
  }
  tcp::resolver resolver{c.ioc};
  error_code ec;
  const auto endpoints = resolver.resolve(host, std::to_string(port), ec);
  if (ec) {
    c.close();
    return "cannot resolve " + host + ": " + ec.message();
  }
  c.stream->tcp().expires_after(timeout);
  ec = c.run([&](auto handler) {
    c.stream->tcp().async_connect(endpoints, std::move(handler));
  });
  if (ec) {
    c.close();
    return "cannot connect to " + host + ":" + std::to_string(port) + ": "
           + ec.message();
  }
  if (!tls.enabled) return {};
  c.stream->tcp().expires_after(timeout);
  ec = c.run([&](auto handler) {
    c.stream->tls().async_handshake(net::ssl::stream_base::client,
                                    std::move(handler));
  });
  if (ec) {
    std::string why = describe_handshake_failure(
      c.stream->tls().native_handle(), ec);
    c.close();
    return host + ":" + std::to_string(port) + ": " + why;
  }
  return {};
}

}  // namespace

sync_client::sync_client(std::string host, std::uint16_t port,
                         std::uint32_t timeout_ms, client_tls tls)
    : host_(std::move(host)),
      port_(port),
      timeout_ms_(timeout_ms),
      tls_(std::move(tls)),
      connection_(std::make_unique<connection>()) {}

sync_client::~sync_client() = default;

sync_result sync_client::send(request req) {
  const auto timeout = std::chrono::milliseconds(timeout_ms_);
  auto& c = *connection_;
  req.set(bhttp::field::host, host_ + ":" + std::to_string(port_));
  for (const auto& [name, value] : default_headers_)
    if (req.find(name) == req.end()) req.set(name, value);
  req.prepare_payload();
  sync_result result;
  try {
    // Retrying is safe only when the server cannot have acted on the request:
    // the write on a reused connection failed, or the method is safe (GET,
    // HEAD). A POST whose write succeeded and whose answer never came is
    // reported, not repeated: the server may have acted on it.
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (c.stream && !c.still_open()) c.close();
      if (!c.stream) {
        std::string error = connect_to(c, host_, port_, timeout, tls_);
        if (!error.empty()) return {false, std::move(error), {}};
      }
      const bool was_reused = c.reused;
      c.stream->tcp().expires_after(timeout);
      error_code ec = c.run([&](auto handler) {
        c.stream->visit(
          [&](auto& s) { bhttp::async_write(s, req, std::move(handler)); });
      });
      const bool write_failed = static_cast<bool>(ec);
      bhttp::response_parser<bhttp::string_body> parser;
      parser.body_limit(response_body_bytes_max);
      if (!ec) {
        ec = c.run([&](auto handler) {
          c.stream->visit([&](auto& s) {
            bhttp::async_read(s, c.buffer, parser, std::move(handler));
          });
        });
      }
      if (!ec) {
        result.ok = true;
        result.res = parser.release();
        if (result.res.need_eof()) {
          c.close();
        } else {
          c.reused = true;
        }
        return result;
      }
      c.close();
      const bool safe_method = req.method() == bhttp::verb::get
                               || req.method() == bhttp::verb::head;
      const bool retry = was_reused && !parser.got_some()
                         && ec != beast::error::timeout
                         && (write_failed || safe_method);
      if (!retry) return {false, "request failed: " + ec.message(), {}};
    }
    return {false, "request failed: connection closed twice", {}};
  } catch (const std::exception& e) {
    c.close();
    return {false, std::string("request failed: ") + e.what(), {}};
  }
}

sync_result sync_client::get(const std::string& target,
                             const header_list& headers) {
  request req{bhttp::verb::get, target, 11};
  for (const auto& [name, value] : headers) req.set(name, value);
  return send(std::move(req));
}

sync_result sync_client::post(const std::string& target, std::string body,
                              const std::string& content_type,
                              const header_list& headers) {
  request req{bhttp::verb::post, target, 11};
  req.set(bhttp::field::content_type, content_type);
  for (const auto& [name, value] : headers) req.set(name, value);
  req.body() = std::move(body);
  return send(std::move(req));
}

}  // namespace pay::http
