#include "http/server_session.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <limits>
#include <optional>
#include <string_view>
#include <utility>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "http/byte_stream.hpp"
#include "http/request_header_checks.hpp"

namespace pay::http {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;
using std::chrono::milliseconds;

// After answering 413 or 400 we half-close and drain what the client is still
// sending, so that closing does not turn into a reset that destroys our
// answer before the client reads it. Bounded in time and bytes. The same
// bound covers a TLS close_notify exchange.
constexpr std::uint32_t linger_ms_max = 1'000;
constexpr std::size_t linger_bytes_max = 4 << 20;
// A refusal (503 too_many_connections), TLS handshake included, gets this
// long: it is what overload costs us, so it is kept short.
constexpr std::uint32_t refusal_ms_max = 1'000;
// How much one read takes while a connection waits for a request's first
// byte: whatever has arrived, up to this. Small, because an idle keep-alive
// connection keeps its buffer: 16 KiB here cost 16 MB across 1,000 idle
// connections; the header parser grows the buffer when a request needs it.
constexpr std::size_t first_read_bytes_max = 1024;

std::uint32_t to_u32(std::size_t n) {
  return static_cast<std::uint32_t>(
    std::min<std::size_t>(n, std::numeric_limits<std::uint32_t>::max()));
}

bool is_http_parse_error(const error_code& ec) {
  return ec.category()
           == bhttp::make_error_code(bhttp::error::bad_method).category()
         && ec != bhttp::error::partial_message;
}

}  // namespace

class server_session : public std::enable_shared_from_this<server_session> {
 public:
  server_session(std::shared_ptr<server::state> st, byte_stream stream,
                 std::uint64_t id, session_role role)
      : state_(std::move(st)),
        stream_(std::move(stream)),
        id_(id),
        role_(role) {
    error_code ec;
    const auto peer = stream_.tcp().socket().remote_endpoint(ec);
    if (!ec) peer_address_ = peer.address().to_string();
  }

  ~server_session() {
    release_slot();
    std::lock_guard lock(state_->sessions_mutex);
    state_->sessions.erase(id_);
  }

  void start() {
    net::dispatch(stream_.tcp().get_executor(),
                  beast::bind_front_handler(&server_session::begin,
                                            shared_from_this()));
  }

  // Any thread. Hops onto the connection's strand unless the server stopped.
  void deliver(response res) {
    std::shared_lock gate(state_->reply_gate);
    if (!state_->replies_open) return;
    net::post(stream_.tcp().get_executor(),
              [self = shared_from_this(), res = std::move(res)]() mutable {
                self->write(std::move(res), false);
              });
  }

  response internal_error() const {
    return make_error_response(version_, 500, "api_error", "internal_error",
                               "internal error");
  }

  // Any thread: aborts whatever the connection is doing.
  void close_from_server() {
    net::post(stream_.tcp().get_executor(),
              [self = shared_from_this()] { self->close(); });
  }

 private:
  const server_limits& limits() const { return state_->limits; }

  void begin() {
    if (!stream_.is_tls()) return after_handshake();
    const std::uint32_t deadline_ms = role_ == session_role::refuse
                                        ? refusal_ms_max
                                        : limits().header_timeout_ms;
    stream_.tcp().expires_after(milliseconds(deadline_ms));
    stream_.tls().async_handshake(
      net::ssl::stream_base::server,
      beast::bind_front_handler(&server_session::on_handshake,
                                shared_from_this()));
  }

  void on_handshake(error_code ec) {
    if (ec) {
      ++state_->tls_handshake_failures_total;
      return close();
    }
    after_handshake();
  }

  void after_handshake() {
    if (role_ == session_role::serve) return await_request();
    response refusal = make_error_response(
      11, 503, "api_error", "too_many_connections",
      "the server has too many open connections; retry later");
    refusal.set(bhttp::field::retry_after, "1");
    keep_alive_ = false;
    write(std::move(refusal), true);
  }

  // Between requests: the keep-alive idle deadline runs until the next
  // request's first byte, which starts the header deadline.
  void await_request() {
    if (state_->stopping) return close();
    if (buffer_.size() > 0) return read_header();  // pipelined
    stream_.tcp().expires_after(milliseconds(limits().read_timeout_ms));
    stream_.visit([&](auto& s) {
      s.async_read_some(buffer_.prepare(first_read_bytes_max),
                        beast::bind_front_handler(
                          &server_session::on_first_bytes, shared_from_this()));
    });
  }

  void on_first_bytes(error_code ec, std::size_t bytes) {
    if (ec) return on_read_error(ec);
    buffer_.commit(bytes);
    read_header();
  }

  void read_header() {
    parser_.emplace();
    parser_->header_limit(to_u32(limits().header_bytes_max));
    parser_->body_limit(limits().body_bytes_max);
    reading_header_ = true;
    stream_.tcp().expires_after(milliseconds(limits().header_timeout_ms));
    stream_.visit([&](auto& s) {
      bhttp::async_read_header(
        s, buffer_, *parser_,
        beast::bind_front_handler(&server_session::on_header,
                                  shared_from_this()));
    });
  }

  void on_header(error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    reading_header_ = false;
    if (const auto refusal = check_request_header(parser_->get(), limits())) {
      return answer_and_close(refusal->status, "invalid_request_error",
                              refusal->code, refusal->message);
    }
    const auto expect = parser_->get()[bhttp::field::expect];
    if (!beast::iequals(expect, "100-continue")) return read_body();
    // curl waits a second for this before sending a larger body.
    continue_.emplace(bhttp::status::continue_, parser_->get().version());
    stream_.tcp().expires_after(milliseconds(limits().write_timeout_ms));
    stream_.visit([&](auto& s) {
      bhttp::async_write(
        s, *continue_,
        beast::bind_front_handler(&server_session::on_continue_sent,
                                  shared_from_this()));
    });
  }

  void on_continue_sent(error_code ec, std::size_t) {
    if (ec) return close();
    read_body();
  }

  void read_body() {
    stream_.tcp().expires_after(milliseconds(limits().read_timeout_ms));
    stream_.visit([&](auto& s) {
      bhttp::async_read(s, buffer_, *parser_,
                        beast::bind_front_handler(&server_session::on_read,
                                                  shared_from_this()));
    });
  }

  void on_read(error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    handle_request(parser_->release());
  }

  void on_read_error(error_code ec) {
    if (ec == bhttp::error::end_of_stream || ec == net::error::eof) {
      return end_gracefully();
    }
    if (ec == beast::error::timeout) {
      if (reading_header_) ++state_->header_timeouts_total;
      return close();  // nobody to answer: a stalled or gone client
    }
    if (ec == bhttp::error::body_limit) {
      return answer_and_close(413, "invalid_request_error", "body_too_large",
                              "request body exceeds the size limit");
    }
    if (ec == bhttp::error::header_limit) {
      if (request_line_too_long(received_so_far(),
                                limits().request_line_bytes_max)) {
        return answer_and_close(414, "invalid_request_error", "uri_too_long",
                                "request line exceeds the size limit");
      }
      return answer_and_close(431, "invalid_request_error", "header_too_large",
                              "request header exceeds the size limit");
    }
    if (is_http_parse_error(ec)) {
      return answer_and_close(400, "invalid_request_error", "malformed_http",
                              "malformed HTTP request");
    }
    close();  // reset, abort, TLS truncation: nobody to answer
  }

  std::string_view received_so_far() const {
    const auto bytes = buffer_.data();
    return {static_cast<const char*>(bytes.data()), bytes.size()};
  }

  void handle_request(request req) {
    req.set(peer_address_field, peer_address_);
    keep_alive_ = req.keep_alive();
    version_ = req.version();
    stream_.tcp().expires_never();  // the handler may take its time

    auto slot = std::make_shared<reply_slot>(shared_from_this());
    responder reply = [slot](response res) { slot->answer(std::move(res)); };
    try {
      state_->on_request(std::move(req), reply);
    } catch (...) {
      // Internals stay private; the client learns only that it failed.
      slot->answer(internal_error());
    }
  }

  void answer_and_close(unsigned status, std::string_view type,
                        std::string_view code, std::string_view message) {
    version_ = 11;
    keep_alive_ = false;
    write(make_error_response(version_, status, type, code, message), true);
  }

  // On the strand.
  void write(response res, bool drain_after) {
    if (is_connection_reset(res)) return reset();
    if (!keep_alive_) res.keep_alive(false);
    res.prepare_payload();
    close_after_write_ = res.need_eof();
    drain_after_write_ = drain_after;
    response_ = std::move(res);
    const std::uint32_t deadline_ms = role_ == session_role::refuse
                                        ? refusal_ms_max
                                        : limits().write_timeout_ms;
    stream_.tcp().expires_after(milliseconds(deadline_ms));
    stream_.visit([&](auto& s) {
      bhttp::async_write(s, *response_,
                         beast::bind_front_handler(&server_session::on_write,
                                                   shared_from_this()));
    });
  }

  void on_write(error_code ec, std::size_t) {
    response_.reset();
    if (ec) return close();
    if (drain_after_write_) return linger();
    if (close_after_write_) return end_gracefully();
    await_request();
  }

  // Plain: FIN after the last answer. TLS: close_notify first, and the
  // peer's in return, within the linger bound.
  void end_gracefully() {
    if (!stream_.is_tls()) {
      error_code ignored;
      stream_.tcp().socket().shutdown(tcp::socket::shutdown_send, ignored);
      return close();
    }
    stream_.tcp().expires_after(milliseconds(linger_ms_max));
    stream_.tls().async_shutdown(
      [self = shared_from_this()](error_code) { self->close(); });
  }

  // A zero linger time turns close() into an abortive close: the peer gets
  // RST (ECONNRESET), not FIN, and no answer.
  void reset() {
    error_code ignored;
    stream_.tcp().socket().set_option(net::socket_base::linger(true, 0),
                                      ignored);
    close();
  }

  // Plain: half-close so the client sees our answer end, then drain. TLS: a
  // TCP half-close would cut the TLS stream short, so just drain.
  void linger() {
    if (!stream_.is_tls()) {
      error_code ignored;
      stream_.tcp().socket().shutdown(tcp::socket::shutdown_send, ignored);
    }
    stream_.tcp().expires_after(milliseconds(linger_ms_max));
    drain_some();
  }

  void drain_some() {
    buffer_.clear();
    stream_.visit([&](auto& s) {
      s.async_read_some(buffer_.prepare(16 * 1024),
                        [self = shared_from_this()](error_code ec,
                                                    std::size_t bytes) {
                          self->drained_bytes_ += bytes;
                          if (ec || self->drained_bytes_ > linger_bytes_max) {
                            return self->close();
                          }
                          self->drain_some();
                        });
    });
  }

  // Every way a connection ends comes through here, on the strand; the
  // descriptor's slot is given back at once, not when the last late
  // responder lets go of the session.
  void close() {
    stream_.tcp().close();
    release_slot();
  }

  void release_slot() {
    if (slot_released_.exchange(true)) return;
    auto& in_use = role_ == session_role::serve ? state_->connections_open
                                                : state_->refusals_in_flight;
    --in_use;
  }

  // Shared by every copy of one request's responder: the first answer wins,
  // and a request whose responders were all dropped unanswered gets a 500.
  class reply_slot {
   public:
    explicit reply_slot(std::shared_ptr<server_session> s)
        : session_(std::move(s)) {}
    ~reply_slot() {
      if (!answered_.exchange(true)) {
        session_->deliver(session_->internal_error());
      }
    }
    void answer(response res) {
      if (answered_.exchange(true)) return;
      session_->deliver(std::move(res));
    }

   private:
    std::shared_ptr<server_session> session_;
    std::atomic<bool> answered_{false};
  };

  // Declared first: the io_context must outlive the socket.
  std::shared_ptr<server::state> state_;
  byte_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::optional<bhttp::response<bhttp::empty_body>> continue_;
  std::optional<response> response_;  // must live until written
  const std::uint64_t id_;
  const session_role role_;
  std::string peer_address_;  // empty if the peer was gone at accept
  unsigned version_ = 11;
  bool keep_alive_ = true;
  bool reading_header_ = false;
  bool close_after_write_ = false;
  bool drain_after_write_ = false;
  std::size_t drained_bytes_ = 0;
  std::atomic<bool> slot_released_{false};
};

void start_session(const std::shared_ptr<server::state>& st, tcp::socket socket,
                   bool tls, session_role role) {
  // Every answer goes out in one write, so Nagle only ever delays: with TLS
  // 1.3 the session tickets sent after the handshake would otherwise hold
  // back the first answer until the client's delayed ACK (about 40 ms).
  error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  beast::tcp_stream tcp_layer(std::move(socket));
  byte_stream stream = tls ? byte_stream(std::move(tcp_layer), *st->tls)
                           : byte_stream(std::move(tcp_layer));
  std::shared_ptr<server_session> s;
  {
    std::lock_guard lock(st->sessions_mutex);
    const std::uint64_t id = st->session_id_next++;
    s = std::make_shared<server_session>(st, std::move(stream), id, role);
    st->sessions.emplace(id, s);
  }
  s->start();
}

void close_all_sessions(server::state& st) {
  // Collect under the lock, release outside it: dropping the last reference
  // to a session runs its destructor, which takes the same lock.
  std::vector<std::shared_ptr<server_session>> open;
  {
    std::lock_guard lock(st.sessions_mutex);
    for (auto& [id, weak] : st.sessions) {
      if (auto s = weak.lock()) open.push_back(std::move(s));
    }
  }
  for (auto& s : open) s->close_from_server();
}

}  // namespace pay::http
