#include "http/server.hpp"

#include <atomic>
#include <cassert>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

namespace pay::http {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

// After answering 413 or 400 we half-close and drain what the client is still
// sending, so that closing does not turn into a reset that destroys our
// answer before the client reads it. Bounded in time and bytes.
constexpr std::uint32_t linger_ms_max = 1'000;
constexpr std::size_t linger_bytes_max = 4 << 20;
// Back-off after an accept failure such as EMFILE, so we do not spin.
constexpr std::uint32_t accept_retry_ms = 50;
// Marks connection_reset(). A space is not allowed in a field name, so no
// response read from or meant for the wire carries it by accident.
constexpr std::string_view reset_marker_field = "pay connection reset";

class session;

}  // namespace

struct server::state {
  explicit state(handler h, server_limits l)
      : on_request(std::move(h)), limits(l) {}

  net::io_context ioc;
  const handler on_request;
  const server_limits limits;
  std::optional<tcp::acceptor> acceptor;  // used on its own strand only
  std::vector<std::thread> threads;
  std::atomic<bool> stopping{false};

  // Replies are posted to connections under a shared lock; stop() takes it
  // exclusively to shut the gate, after which late replies are dropped.
  std::shared_mutex reply_gate;
  bool replies_open = true;

  std::mutex sessions_mutex;
  std::uint64_t session_id_next = 0;
  std::unordered_map<std::uint64_t, std::weak_ptr<session>> sessions;
};

namespace {

response make_error_response(unsigned version, unsigned status,
                             std::string_view type, std::string_view code,
                             std::string_view message) {
  response res{static_cast<bhttp::status>(status), version};
  res.set(bhttp::field::content_type, "application/json");
  res.body() = error_body(type, code, message);
  res.prepare_payload();
  return res;
}

class session : public std::enable_shared_from_this<session> {
 public:
  session(std::shared_ptr<server::state> st, tcp::socket&& socket,
          std::uint64_t id)
      : state_(std::move(st)), stream_(std::move(socket)), id_(id) {}

  ~session() {
    std::lock_guard lock(state_->sessions_mutex);
    state_->sessions.erase(id_);
  }

  void start() {
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&session::do_read,
                                            shared_from_this()));
  }

  // Any thread. Hops onto the connection's strand unless the server stopped.
  void deliver(response res) {
    std::shared_lock gate(state_->reply_gate);
    if (!state_->replies_open) return;
    net::post(stream_.get_executor(),
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
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      self->stream_.close();
    });
  }

 private:
  void do_read() {
    if (state_->stopping) return stream_.close();
    parser_.emplace();
    parser_->body_limit(state_->limits.body_bytes_max);
    stream_.expires_after(
        std::chrono::milliseconds(state_->limits.read_timeout_ms));
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        beast::bind_front_handler(&session::on_header, shared_from_this()));
  }

  void on_header(error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    const auto expect = parser_->get()[bhttp::field::expect];
    if (!beast::iequals(expect, "100-continue")) return read_body();
    // curl waits a second for this before sending a larger body.
    continue_.emplace(bhttp::status::continue_, parser_->get().version());
    bhttp::async_write(
        stream_, *continue_,
        beast::bind_front_handler(&session::on_continue_sent,
                                  shared_from_this()));
  }

  void on_continue_sent(error_code ec, std::size_t) {
    if (ec) return stream_.close();
    read_body();
  }

  void read_body() {
    bhttp::async_read(
        stream_, buffer_, *parser_,
        beast::bind_front_handler(&session::on_read, shared_from_this()));
  }

  void on_read(error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    handle_request(parser_->release());
  }

  void on_read_error(error_code ec) {
    if (ec == bhttp::error::end_of_stream) return shutdown();
    if (ec == bhttp::error::body_limit) {
      return answer_and_close(413, "invalid_request_error", "body_too_large",
                              "request body exceeds the size limit");
    }
    if (ec == bhttp::error::header_limit) {
      return answer_and_close(431, "invalid_request_error",
                              "header_too_large",
                              "request header exceeds the size limit");
    }
    const bool malformed = ec.category() ==
                               bhttp::make_error_code(bhttp::error::bad_method)
                                   .category() &&
                           ec != bhttp::error::partial_message;
    if (malformed) {
      return answer_and_close(400, "invalid_request_error", "malformed_http",
                              "malformed HTTP request");
    }
    stream_.close();  // timeout, reset, abort: nobody to answer
  }

  void handle_request(request req) {
    keep_alive_ = req.keep_alive();
    version_ = req.version();
    stream_.expires_never();  // the handler may take its time

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
    stream_.expires_after(
        std::chrono::milliseconds(state_->limits.write_timeout_ms));
    bhttp::async_write(
        stream_, *response_,
        beast::bind_front_handler(&session::on_write, shared_from_this()));
  }

  void on_write(error_code ec, std::size_t) {
    response_.reset();
    if (ec) return stream_.close();
    if (drain_after_write_) return linger();
    if (close_after_write_) return shutdown();
    do_read();
  }

  void shutdown() {
    error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.close();
  }

  // A zero linger time turns close() into an abortive close: the peer gets
  // RST (ECONNRESET), not FIN, and no answer.
  void reset() {
    error_code ignored;
    stream_.socket().set_option(net::socket_base::linger(true, 0), ignored);
    stream_.close();
  }

  void linger() {
    error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(std::chrono::milliseconds(linger_ms_max));
    drain_some();
  }

  void drain_some() {
    buffer_.clear();
    stream_.async_read_some(
        buffer_.prepare(16 * 1024),
        [self = shared_from_this()](error_code ec, std::size_t bytes) {
          self->drained_bytes_ += bytes;
          if (ec || self->drained_bytes_ > linger_bytes_max) {
            return self->stream_.close();
          }
          self->drain_some();
        });
  }

  // Shared by every copy of one request's responder: the first answer wins,
  // and a request whose responders were all dropped unanswered gets a 500.
  class reply_slot {
   public:
    explicit reply_slot(std::shared_ptr<session> s) : session_(std::move(s)) {}
    ~reply_slot() {
      if (!answered_.exchange(true)) session_->deliver(session_->internal_error());
    }
    void answer(response res) {
      if (answered_.exchange(true)) return;
      session_->deliver(std::move(res));
    }

   private:
    std::shared_ptr<session> session_;
    std::atomic<bool> answered_{false};
  };

  // Declared first: the io_context must outlive the socket.
  std::shared_ptr<server::state> state_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::optional<bhttp::response<bhttp::empty_body>> continue_;
  std::optional<response> response_;  // must live until written
  std::uint64_t id_;
  unsigned version_ = 11;
  bool keep_alive_ = true;
  bool close_after_write_ = false;
  bool drain_after_write_ = false;
  std::size_t drained_bytes_ = 0;
};

void spawn_session(const std::shared_ptr<server::state>& st,
                   tcp::socket socket) {
  std::shared_ptr<session> s;
  {
    std::lock_guard lock(st->sessions_mutex);
    const std::uint64_t id = st->session_id_next++;
    s = std::make_shared<session>(st, std::move(socket), id);
    st->sessions.emplace(id, s);
  }
  s->start();
}

void do_accept(std::shared_ptr<server::state> st) {
  st->acceptor->async_accept(
      net::make_strand(st->ioc), [st](error_code ec, tcp::socket socket) {
        if (st->stopping || ec == net::error::operation_aborted) return;
        if (!ec) {
          spawn_session(st, std::move(socket));
          return do_accept(st);
        }
        auto timer = std::make_shared<net::steady_timer>(
            st->acceptor->get_executor(),
            std::chrono::milliseconds(accept_retry_ms));
        timer->async_wait([st, timer](error_code) {
          if (!st->stopping) do_accept(st);
        });
      });
}

void run_io(server::state& st) {
  for (;;) {
    try {
      st.ioc.run();
      return;
    } catch (...) {
      // A throwing completion handler must not take the server down.
    }
  }
}

std::string bind_error(const error_code& ec, const std::string& address,
                       std::uint16_t port) {
  if (ec == net::error::address_in_use) {
    return "port " + std::to_string(port) + " already in use on " + address;
  }
  if (ec == net::error::access_denied) {
    return "permission denied binding port " + std::to_string(port) + " on " +
           address;
  }
  return "cannot listen on " + address + ":" + std::to_string(port) + ": " +
         ec.message();
}

}  // namespace

server::server(std::string address, std::uint16_t port, handler h,
               server_limits limits)
    : address_(std::move(address)),
      port_requested_(port),
      state_(std::make_shared<state>(std::move(h), limits)) {}

server::~server() { stop(); }

std::string server::start() {
  if (state_->acceptor || state_->stopping) return "server already started";
  error_code ec;
  const auto address = net::ip::make_address(address_, ec);
  if (ec) return "invalid listen address '" + address_ + "'";
  const tcp::endpoint endpoint{address, port_requested_};

  tcp::acceptor acceptor{net::make_strand(state_->ioc)};
  if (acceptor.open(endpoint.protocol(), ec); ec) {
    return "cannot open a socket: " + ec.message();
  }
  acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (acceptor.bind(endpoint, ec); ec) {
    return bind_error(ec, address_, port_requested_);
  }
  if (acceptor.listen(net::socket_base::max_listen_connections, ec); ec) {
    return bind_error(ec, address_, port_requested_);
  }
  port_bound_ = acceptor.local_endpoint(ec).port();
  state_->acceptor.emplace(std::move(acceptor));
  do_accept(state_);

  const unsigned threads = std::max(1u, state_->limits.threads);
  try {
    for (unsigned i = 0; i < threads; ++i) {
      state_->threads.emplace_back([st = state_] { run_io(*st); });
    }
  } catch (const std::system_error& e) {
    stop();
    return std::string("cannot start server threads: ") + e.what();
  }
  return {};
}

std::uint16_t server::port() const { return port_bound_; }

void server::stop() {
  if (state_->stopping.exchange(true)) return;
  {
    std::unique_lock gate(state_->reply_gate);
    state_->replies_open = false;
  }
  // Keeps the threads running until every close below is posted: a closed
  // acceptor can otherwise leave the io_context without work, the threads
  // return, and a session parked on a pending answer is never closed.
  auto keep_running = net::make_work_guard(state_->ioc);
  if (state_->acceptor) {
    net::post(state_->acceptor->get_executor(), [st = state_] {
      error_code ignored;
      st->acceptor->close(ignored);
    });
  }
  // Collect under the lock, release outside it: dropping the last reference
  // to a session runs its destructor, which takes the same lock.
  std::vector<std::shared_ptr<session>> open;
  {
    std::lock_guard lock(state_->sessions_mutex);
    for (auto& [id, weak] : state_->sessions) {
      if (auto s = weak.lock()) open.push_back(std::move(s));
    }
  }
  for (auto& s : open) s->close_from_server();
  open.clear();
  keep_running.reset();
  // With the listener and every socket closed the io_context runs out of
  // work and each thread returns on its own.
  for (auto& t : state_->threads) t.join();
  state_->threads.clear();
}

response make_response(const request& req, unsigned status,
                       std::string_view content_type, std::string body) {
  response res{static_cast<bhttp::status>(status), req.version()};
  res.set(bhttp::field::content_type, content_type);
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

response make_json_response(const request& req, unsigned status,
                            std::string body) {
  return make_response(req, status, "application/json", std::move(body));
}

response connection_reset() {
  response res;
  res.set(reset_marker_field, "1");
  return res;
}

bool is_connection_reset(const response& res) {
  return res.find(reset_marker_field) != res.end();
}

std::string error_body(std::string_view type, std::string_view code,
                       std::string_view message, std::string_view param) {
  boost::json::object error;
  error["type"] = type;
  error["code"] = code;
  error["message"] = message;
  if (param.empty()) {
    error["param"] = nullptr;
  } else {
    error["param"] = param;
  }
  boost::json::object body;
  body["error"] = std::move(error);
  return boost::json::serialize(body);
}

}  // namespace pay::http
