#include "http/client_pool.hpp"

#include <algorithm>
#include <chrono>
#include <deque>
#include <limits>
#include <mutex>
#include <thread>
#include <unordered_set>
#include <utility>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "domain/common/assert.hpp"
#include "http/byte_stream.hpp"
#include "http/tls_context.hpp"

namespace pay::http {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Beast's own default, named here so the limit is visible. A PSP response is
// a few KiB; anything near this is a broken or hostile server.
constexpr std::uint64_t response_body_bytes_max = 8u * 1024u * 1024u;

std::uint32_t elapsed_ms_since(steady::time_point start) {
  const auto ms = std::chrono::duration_cast<milliseconds>(steady::now()
                                                           - start);
  return static_cast<std::uint32_t>(std::clamp<std::int64_t>(
    ms.count(), 0, std::numeric_limits<std::uint32_t>::max()));
}

struct job {
  request req;
  std::function<void(send_result)> done;
  steady::time_point accepted_at;
};

send_result not_sent(send_outcome outcome, std::string error,
                     steady::time_point accepted_at) {
  return send_result{outcome, response{}, std::move(error),
                     elapsed_ms_since(accepted_at)};
}

class connection;

// What a connection does after finishing a request.
enum class next_step : std::uint8_t { close = 0, go_idle = 1, run_next = 2 };
struct release_decision {
  next_step step;
  std::optional<job> next;
};

// State shared by async_send callers (any thread) and connections (their own
// strands). Every connection is in `all_`; it is either in `idle_` or running
// a request counted in `in_flight_`. Requests queue only when no connection is
// idle and all connections_max are open.
class pool_core {
 public:
  pool_core(net::io_context& ioc, std::string host, std::uint16_t port,
            client_pool_limits limits, const client_tls& tls)
      : ioc_(ioc),
        host_(std::move(host)),
        port_(port),
        limits_(limits),
        tls_enabled_(tls.enabled) {
    if (!tls_enabled_) return;
    auto made = make_client_tls_context(tls);
    tls_context_ = std::move(made.context);
    tls_error_ = std::move(made.error);
  }

  net::io_context& ioc() { return ioc_; }
  const std::string& host() const { return host_; }
  std::uint16_t port() const { return port_; }
  const client_pool_limits& limits() const { return limits_; }
  bool tls_enabled() const { return tls_enabled_; }
  // Null (and tls_error() says why) when the CA file could not be loaded.
  net::ssl::context* tls_context() const { return tls_context_.get(); }
  const std::string& tls_error() const { return tls_error_; }

  void submit(job j);
  release_decision release(const std::shared_ptr<connection>& conn,
                           bool reusable);
  bool take_back_idle(const std::shared_ptr<connection>& conn);
  void stop();
  client_pool::stats snapshot() const;

 private:
  void start_on_new_connection_locked(job j);
  void reject(job j, std::string error);
  void check_invariants_locked() const;

  net::io_context& ioc_;
  const std::string host_;
  const std::uint16_t port_;
  const client_pool_limits limits_;
  const bool tls_enabled_;
  // Shared by every connection; read-only once built.
  std::shared_ptr<net::ssl::context> tls_context_;
  std::string tls_error_;

  mutable std::mutex mutex_;
  bool stopping_ = false;
  std::deque<job> queue_;
  std::vector<std::shared_ptr<connection>> idle_;  // most recently used last
  std::unordered_set<std::shared_ptr<connection>> all_;
  std::size_t in_flight_ = 0;
};

// One keep-alive connection, plain or TLS. Every member is touched only on
// `strand_`.
class connection : public std::enable_shared_from_this<connection> {
 public:
  explicit connection(pool_core& core)
      : core_(core),
        strand_(net::make_strand(core.ioc())),
        resolver_(strand_),
        idle_timer_(strand_) {}

  void post_start(job j) {
    net::post(strand_, [self = shared_from_this(), j = std::move(j)]() mutable {
      self->start(std::move(j));
    });
  }
  void post_shutdown() {
    net::post(strand_, [self = shared_from_this()] { self->shutdown(); });
  }

 private:
  void start(job j);
  void connect();
  void on_resolved(beast::error_code ec,
                   const tcp::resolver::results_type& endpoints);
  void on_connected(beast::error_code ec);
  void on_handshake(beast::error_code ec);
  void write();
  void on_written(beast::error_code ec, std::size_t bytes_written);
  void on_read(beast::error_code ec);
  void finish(send_outcome outcome, std::string error, response res,
              bool reusable);
  void go_idle();
  void on_idle_timeout(beast::error_code ec, std::uint64_t idle_generation);
  bool peer_closed_while_idle();
  void shutdown();
  void close_socket();

  pool_core& core_;
  net::strand<net::io_context::executor_type> strand_;
  // A fresh one per TCP connection: a TLS session cannot outlive its socket.
  std::optional<byte_stream> stream_;
  tcp::resolver resolver_;
  net::steady_timer idle_timer_;
  beast::flat_buffer read_buffer_;
  std::optional<bhttp::response_parser<bhttp::string_body>> parser_;
  std::optional<job> job_;
  // Bumped whenever the connection leaves idle, so a stale idle-timer
  // completion that was already queued cannot close a busy connection.
  std::uint64_t idle_generation_ = 0;
  // Whether the current socket has already carried a complete exchange: only
  // such a reused socket may have been closed by the server behind our back,
  // and only it earns the one retry on a fresh connection.
  bool socket_reused_ = false;
  bool stopping_ = false;
};

// ---- connection ----------------------------------------------------------

void connection::start(job j) {
  PAY_ASSERT(!job_.has_value());  // one request at a time per connection
  job_ = std::move(j);
  ++idle_generation_;
  idle_timer_.cancel();
  if (stopping_) {
    return finish(send_outcome::not_sent_pool_saturated,
                  "client pool is shutting down", {}, false);
  }
  if (!stream_ || !stream_->tcp().socket().is_open()) return connect();
  if (peer_closed_while_idle()) {
    // Nothing of this request has been written: a fresh connection is safe.
    close_socket();
    return connect();
  }
  write();
}

void connection::connect() {
  socket_reused_ = false;
  read_buffer_.clear();
  if (!core_.tls_enabled()) {
    stream_.emplace(beast::tcp_stream(strand_));
  } else if (core_.tls_context() == nullptr) {
    return finish(send_outcome::not_sent_connect_failed, core_.tls_error(), {},
                  false);
  } else {
    stream_.emplace(beast::tcp_stream(strand_), *core_.tls_context());
    std::string error = prepare_client_tls(stream_->tls().native_handle(),
                                           core_.host());
    if (!error.empty()) {
      return finish(send_outcome::not_sent_connect_failed, std::move(error), {},
                    false);
    }
  }
  beast::error_code ec;
  const auto address = net::ip::make_address(core_.host(), ec);
  if (!ec) {
    stream_->tcp().expires_after(
      milliseconds(core_.limits().connect_timeout_ms));
    stream_->tcp().async_connect(tcp::endpoint(address, core_.port()),
                                 [self = shared_from_this()](
                                   beast::error_code e) {
                                   self->on_connected(e);
                                 });
    return;
  }
  resolver_.async_resolve(
    core_.host(), std::to_string(core_.port()),
    [self = shared_from_this()](beast::error_code e,
                                const tcp::resolver::results_type& endpoints) {
      self->on_resolved(e, endpoints);
    });
}

void connection::on_resolved(beast::error_code ec,
                             const tcp::resolver::results_type& endpoints) {
  if (ec || stopping_) {
    const std::string why = ec ? ec.message() : "client pool is shutting down";
    return finish(send_outcome::not_sent_connect_failed,
                  "resolve " + core_.host() + ": " + why, {}, false);
  }
  stream_->tcp().expires_after(milliseconds(core_.limits().connect_timeout_ms));
  stream_->tcp().async_connect(
    endpoints,
    [self = shared_from_this()](beast::error_code e, const tcp::endpoint&) {
      self->on_connected(e);
    });
}

void connection::on_connected(beast::error_code ec) {
  if (ec) {
    const std::string why = ec == beast::error::timeout ? "connect timeout"
                                                        : ec.message();
    return finish(send_outcome::not_sent_connect_failed,
                  "connect " + core_.host() + ": " + why, {}, false);
  }
  beast::error_code ignored;
  stream_->tcp().socket().set_option(tcp::no_delay(true), ignored);
  // Only the idle peek is synchronous; async operations are unaffected.
  stream_->tcp().socket().non_blocking(true, ignored);
  if (!stream_->is_tls()) return write();
  // The connect's deadline still runs: connect and handshake share it, so a
  // connection is usable (or not) within connect_timeout_ms either way.
  stream_->tls().async_handshake(net::ssl::stream_base::client,
                                 [self = shared_from_this()](
                                   beast::error_code e) {
                                   self->on_handshake(e);
                                 });
}

void connection::on_handshake(beast::error_code ec) {
  if (ec) {
    // Nothing of the request was written: the server cannot have it.
    std::string why = describe_handshake_failure(stream_->tls().native_handle(),
                                                 ec);
    return finish(send_outcome::not_sent_connect_failed,
                  core_.host() + ":" + std::to_string(core_.port()) + ": "
                    + why,
                  {}, false);
  }
  write();
}

void connection::write() {
  // One deadline covers the write and the read of the response.
  stream_->tcp().expires_after(milliseconds(core_.limits().request_timeout_ms));
  stream_->visit([&](auto& s) {
    bhttp::async_write(s, job_->req,
                       [self = shared_from_this()](beast::error_code ec,
                                                   std::size_t bytes_written) {
                         self->on_written(ec, bytes_written);
                       });
  });
}

void connection::on_written(beast::error_code ec, std::size_t bytes_written) {
  if (!ec) {
    parser_.emplace();
    parser_->body_limit(response_body_bytes_max);
    // A HEAD response announces a body it never sends.
    parser_->skip(job_->req.method() == bhttp::verb::head);
    stream_->visit([&](auto& s) {
      bhttp::async_read(s, read_buffer_, *parser_,
                        [self = shared_from_this()](beast::error_code e,
                                                    std::size_t) {
                          self->on_read(e);
                        });
    });
    return;
  }
  close_socket();
  if (bytes_written == 0) {
    // The kernel took no byte of this request, so the server cannot have it.
    if (socket_reused_ && !stopping_) return connect();  // the one retry
    return finish(send_outcome::not_sent_connect_failed,
                  "connection failed before any byte was written: "
                    + ec.message(),
                  {}, false);
  }
  const auto outcome = ec == beast::error::timeout
                         ? send_outcome::unknown_timeout
                         : send_outcome::unknown_connection_lost;
  finish(outcome, "write: " + ec.message(), {}, false);
}

void connection::on_read(beast::error_code ec) {
  if (ec) {
    const auto outcome = ec == beast::error::timeout
                           ? send_outcome::unknown_timeout
                           : send_outcome::unknown_connection_lost;
    return finish(outcome, "read: " + ec.message(), {}, false);
  }
  stream_->tcp().expires_never();
  socket_reused_ = true;
  response res = parser_->release();
  parser_.reset();
  // Leftover bytes would be an unsolicited second response: do not reuse.
  const bool reusable = res.keep_alive() && read_buffer_.size() == 0
                        && !stopping_;
  finish(send_outcome::responded, {}, std::move(res), reusable);
}

void connection::finish(send_outcome outcome, std::string error, response res,
                        bool reusable) {
  PAY_ASSERT(job_.has_value());
  job done_job = std::move(*job_);
  job_.reset();
  if (!reusable) close_socket();
  send_result result{outcome, std::move(res), std::move(error),
                     elapsed_ms_since(done_job.accepted_at)};

  release_decision decision = core_.release(shared_from_this(), reusable);
  switch (decision.step) {
    case next_step::close:
      close_socket();
      break;
    case next_step::go_idle:
      go_idle();
      break;
    case next_step::run_next:
      post_start(std::move(*decision.next));
      break;
  }
  // The connection is handed back first so that a callback which sends again
  // finds it idle instead of opening another one.
  done_job.done(std::move(result));
}

void connection::go_idle() {
  const std::uint64_t generation = ++idle_generation_;
  idle_timer_.expires_after(milliseconds(core_.limits().idle_timeout_ms));
  idle_timer_.async_wait(
    [self = shared_from_this(), generation](beast::error_code ec) {
      self->on_idle_timeout(ec, generation);
    });
}

void connection::on_idle_timeout(beast::error_code ec,
                                 std::uint64_t idle_generation) {
  if (ec || idle_generation != idle_generation_) return;
  // If async_send took us in the meantime, a start() is already queued on
  // this strand and the pool no longer lists us as idle.
  if (core_.take_back_idle(shared_from_this())) close_socket();
}

bool connection::peer_closed_while_idle() {
  char byte = 0;
  beast::error_code ec;
  stream_->tcp().socket().receive(net::buffer(&byte, 1),
                                  tcp::socket::message_peek, ec);
  // Open and quiet is the only healthy idle state. EOF, a reset or unsolicited
  // bytes all mean this socket cannot carry a new request.
  return ec != net::error::would_block && ec != net::error::try_again;
}

void connection::shutdown() {
  stopping_ = true;
  ++idle_generation_;
  idle_timer_.cancel();
  resolver_.cancel();
  close_socket();
}

void connection::close_socket() {
  // tcp_stream::close cancels pending operations and the stream's timers.
  if (stream_) stream_->tcp().close();
}

// ---- pool_core -----------------------------------------------------------

void pool_core::submit(job j) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (stopping_) return reject(std::move(j), "client pool is shutting down");
  if (!idle_.empty()) {
    std::shared_ptr<connection> conn = std::move(idle_.back());
    idle_.pop_back();
    ++in_flight_;
    conn->post_start(std::move(j));
  } else if (all_.size() < limits_.connections_max) {
    start_on_new_connection_locked(std::move(j));
  } else if (queue_.size() < limits_.queue_max) {
    queue_.push_back(std::move(j));
  } else {
    return reject(std::move(j), "client pool queue is full (queue_max)");
  }
  check_invariants_locked();
}

release_decision pool_core::release(const std::shared_ptr<connection>& conn,
                                    bool reusable) {
  std::lock_guard<std::mutex> lock(mutex_);
  PAY_ASSERT(in_flight_ > 0);  // every release matches one start
  --in_flight_;
  if (stopping_) {
    all_.erase(conn);
    return {next_step::close, std::nullopt};
  }
  if (!reusable) {
    all_.erase(conn);
    if (!queue_.empty()) {
      job next = std::move(queue_.front());
      queue_.pop_front();
      start_on_new_connection_locked(std::move(next));
    }
    check_invariants_locked();
    return {next_step::close, std::nullopt};
  }
  if (!queue_.empty()) {
    ++in_flight_;
    release_decision decision{next_step::run_next, std::move(queue_.front())};
    queue_.pop_front();
    check_invariants_locked();
    return decision;
  }
  idle_.push_back(conn);
  check_invariants_locked();
  return {next_step::go_idle, std::nullopt};
}

bool pool_core::take_back_idle(const std::shared_ptr<connection>& conn) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = std::find(idle_.begin(), idle_.end(), conn);
  if (it == idle_.end()) return false;
  idle_.erase(it);
  all_.erase(conn);
  if (!stopping_) check_invariants_locked();
  return true;
}

void pool_core::stop() {
  std::deque<job> orphans;
  std::vector<std::shared_ptr<connection>> connections;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    orphans.swap(queue_);
    connections.assign(all_.begin(), all_.end());
  }
  for (job& j : orphans) reject(std::move(j), "client pool is shutting down");
  for (const auto& conn : connections) conn->post_shutdown();
}

client_pool::stats pool_core::snapshot() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return client_pool::stats{all_.size(), in_flight_, queue_.size()};
}

void pool_core::start_on_new_connection_locked(job j) {
  auto conn = std::make_shared<connection>(*this);
  all_.insert(conn);
  ++in_flight_;
  conn->post_start(std::move(j));
}

void pool_core::reject(job j, std::string error) {
  // Posted, never called inline: `done` always runs on a pool thread and
  // never under the caller's locks.
  net::post(ioc_, [j = std::move(j), error = std::move(error)]() mutable {
    j.done(not_sent(send_outcome::not_sent_pool_saturated, std::move(error),
                    j.accepted_at));
  });
}

void pool_core::check_invariants_locked() const {
  // Every connection is either idle or running exactly one request.
  PAY_ASSERT(in_flight_ + idle_.size() == all_.size());
  PAY_ASSERT(all_.size() <= limits_.connections_max);
  PAY_ASSERT(queue_.size() <= limits_.queue_max);
  // No request waits while a connection sits idle.
  PAY_ASSERT(queue_.empty() || idle_.empty());
}

std::string host_header(const std::string& host, std::uint16_t port) {
  const bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

}  // namespace

// ---- client_pool ---------------------------------------------------------

struct client_pool::impl {
  impl(std::string host, std::uint16_t port, client_pool_limits limits,
       const client_tls& tls)
      : ioc(static_cast<int>(limits.threads)),
        work(net::make_work_guard(ioc)),
        host_field(host_header(host, port)),
        core(ioc, std::move(host), port, limits, tls) {}

  // Declared first so it is destroyed last: sockets must not outlive it.
  net::io_context ioc;
  net::executor_work_guard<net::io_context::executor_type> work;
  const std::string host_field;  // the Host header value
  pool_core core;
  std::vector<std::thread> threads;
};

client_pool::client_pool(std::string host, std::uint16_t port,
                         client_pool_limits limits, const client_tls& tls) {
  PAY_ASSERT(limits.connections_max > 0);
  PAY_ASSERT(limits.threads > 0);
  impl_ = std::make_unique<impl>(std::move(host), port, limits, tls);
  impl_->threads.reserve(limits.threads);
  for (unsigned i = 0; i < limits.threads; ++i) {
    impl_->threads.emplace_back([this] { impl_->ioc.run(); });
  }
}

client_pool::~client_pool() {
  for (const std::thread& t : impl_->threads) {
    // Joining our own thread would deadlock.
    PAY_ASSERT(t.get_id() != std::this_thread::get_id());
  }
  impl_->core.stop();
  // With the guard gone, run() returns once every cancelled operation has
  // completed and so every callback has been called.
  impl_->work.reset();
  for (std::thread& t : impl_->threads) t.join();
}

void client_pool::async_send(request req,
                             std::function<void(send_result)> done) {
  PAY_ASSERT(static_cast<bool>(done));
  if (req.find(bhttp::field::host) == req.end()) {
    req.set(bhttp::field::host, impl_->host_field);
  }
  req.keep_alive(true);
  req.prepare_payload();
  impl_->core.submit(job{std::move(req), std::move(done), steady::now()});
}

client_pool::stats client_pool::snapshot() const {
  return impl_->core.snapshot();
}

// ---- parse_base_url ------------------------------------------------------

namespace {

bool is_host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
         || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
}

bool is_ipv6_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')
         || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
}

std::optional<std::uint16_t> parse_port(std::string_view text) {
  constexpr std::size_t port_digits_max = 5;
  if (text.empty() || text.size() > port_digits_max) return std::nullopt;
  std::uint32_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint32_t>(c - '0');
  }
  if (value == 0 || value > 65'535) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

}  // namespace

std::optional<base_url> parse_base_url(std::string_view url) {
  constexpr std::string_view http_prefix = "http://";
  constexpr std::string_view https_prefix = "https://";
  url_scheme scheme = url_scheme::http;
  std::uint16_t port_default = 80;
  std::string_view rest;
  if (url.substr(0, http_prefix.size()) == http_prefix) {
    rest = url.substr(http_prefix.size());
  } else if (url.substr(0, https_prefix.size()) == https_prefix) {
    rest = url.substr(https_prefix.size());
    scheme = url_scheme::https;
    port_default = 443;
  } else {
    return std::nullopt;
  }
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);

  std::string_view host;
  std::string_view after_host;
  if (!rest.empty() && rest.front() == '[') {
    const std::size_t close = rest.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = rest.substr(1, close - 1);
    after_host = rest.substr(close + 1);
    if (!std::all_of(host.begin(), host.end(), is_ipv6_char)) {
      return std::nullopt;
    }
  } else {
    const std::size_t colon = rest.find(':');
    host = rest.substr(0, colon);
    after_host = colon == std::string_view::npos ? std::string_view{}
                                                 : rest.substr(colon);
    if (!std::all_of(host.begin(), host.end(), is_host_char)) {
      return std::nullopt;
    }
  }
  if (host.empty()) return std::nullopt;
  if (after_host.empty()) {
    return base_url{std::string(host), port_default, scheme};
  }
  if (after_host.front() != ':') return std::nullopt;
  const auto port = parse_port(after_host.substr(1));
  if (!port) return std::nullopt;
  return base_url{std::string(host), *port, scheme};
}

client_tls client_tls_for(const base_url& url, std::string ca_file) {
  return client_tls{url.is_https(), std::move(ca_file)};
}

}  // namespace pay::http
