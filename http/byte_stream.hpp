// One connection's byte stream: plain TCP, or TLS over TCP. The server's
// sessions and both clients are written once against it instead of once per
// kind: `visit` hands generic code (Beast's HTTP read and write accept
// either) the concrete stream, and `tcp()` is the lowest layer, where the
// socket, its deadlines and closing live whatever runs above it.
#pragma once

#include <utility>
#include <variant>

#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

namespace pay::http {

class byte_stream {
 public:
  using plain_stream = boost::beast::tcp_stream;
  using tls_stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

  explicit byte_stream(plain_stream tcp)
      : stream_(std::in_place_index<0>, std::move(tcp)) {}
  // TLS over `tcp`; the handshake is the owner's first operation.
  byte_stream(plain_stream tcp, boost::asio::ssl::context& context)
      : stream_(std::in_place_index<1>, std::move(tcp), context) {}

  bool is_tls() const { return stream_.index() == 1; }
  tls_stream& tls() { return std::get<1>(stream_); }

  plain_stream& tcp() {
    return std::visit(
      [](auto& s) -> plain_stream& {
        return boost::beast::get_lowest_layer(s);
      },
      stream_);
  }

  // op(plain_stream&) or op(tls_stream&): a generic lambda serves both.
  template <class Op>
  decltype(auto) visit(Op&& op) {
    return std::visit(std::forward<Op>(op), stream_);
  }

 private:
  std::variant<plain_stream, tls_stream> stream_;
};

}  // namespace pay::http
