#include "http/server.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <system_error>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/json.hpp>

#include "http/server_session.hpp"
#include "http/server_state.hpp"
#include "http/tls_context.hpp"

namespace pay::http {
namespace {

namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

// Back-off after an accept failure such as EMFILE, so we do not spin.
constexpr std::uint32_t accept_retry_ms = 50;
// Refusals (503 too_many_connections) written at once at most; past them an
// excess connection is closed unanswered, so a flood costs no more than this.
constexpr std::size_t refusals_in_flight_max = 64;
// Marks connection_reset(). A space is not allowed in a field name, so no
// response read from or meant for the wire carries it by accident.
constexpr std::string_view reset_marker_field = "pay connection reset";

// A served connection takes one of connections_max; past them it is
// refused, and past the refusals we afford it is closed at once.
void admit(const std::shared_ptr<server::state>& st, tcp::socket socket,
           bool tls) {
  if (st->connections_open.fetch_add(1) < st->limits.connections_max) {
    ++st->connections_accepted_total;
    return start_session(st, std::move(socket), tls, session_role::serve);
  }
  --st->connections_open;
  ++st->connections_refused_total;
  if (st->refusals_in_flight.fetch_add(1) < refusals_in_flight_max) {
    return start_session(st, std::move(socket), tls, session_role::refuse);
  }
  --st->refusals_in_flight;
  error_code ignored;
  socket.close(ignored);
}

void do_accept(const std::shared_ptr<server::state>& st,
               server::state::listener* listener) {
  listener->acceptor.async_accept(
    net::make_strand(st->ioc),
    [st, listener](error_code ec, tcp::socket socket) {
      if (st->stopping || ec == net::error::operation_aborted) return;
      if (!ec) {
        admit(st, std::move(socket), listener->tls);
        return do_accept(st, listener);
      }
      auto timer = std::make_shared<net::steady_timer>(
        listener->acceptor.get_executor(),
        std::chrono::milliseconds(accept_retry_ms));
      timer->async_wait([st, listener, timer](error_code) {
        if (!st->stopping) do_accept(st, listener);
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
    return "permission denied binding port " + std::to_string(port) + " on "
           + address;
  }
  return "cannot listen on " + address + ":" + std::to_string(port) + ": "
         + ec.message();
}

// Empty and `bound` set on success, else why not.
std::string open_listener(server::state& st, const tcp::endpoint& endpoint,
                          const std::string& address, bool tls,
                          std::uint16_t& bound) {
  error_code ec;
  tcp::acceptor acceptor{net::make_strand(st.ioc)};
  if (acceptor.open(endpoint.protocol(), ec); ec) {
    return "cannot open a socket: " + ec.message();
  }
  acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (acceptor.bind(endpoint, ec); ec) {
    return bind_error(ec, address, endpoint.port());
  }
  if (acceptor.listen(net::socket_base::max_listen_connections, ec); ec) {
    return bind_error(ec, address, endpoint.port());
  }
  bound = acceptor.local_endpoint(ec).port();
  st.listeners.push_back(std::make_unique<server::state::listener>(
    server::state::listener{std::move(acceptor), tls}));
  return {};
}

}  // namespace

response make_error_response(unsigned version, unsigned status,
                             std::string_view type, std::string_view code,
                             std::string_view message) {
  response res{static_cast<bhttp::status>(status), version};
  res.set(bhttp::field::content_type, "application/json");
  res.body() = error_body(type, code, message);
  res.prepare_payload();
  return res;
}

server::server(std::string address, std::uint16_t port, handler h,
               server_limits limits, server_tls tls)
    : address_(std::move(address)),
      port_requested_(port),
      tls_(std::move(tls)),
      state_(std::make_shared<state>(std::move(h), limits)) {}

server::~server() { stop(); }

void server::add_plain_listener(std::uint16_t port) {
  plain_listener_ = true;
  plain_port_requested_ = port;
}

std::string server::start() {
  if (!state_->listeners.empty() || state_->stopping) {
    return "server already started";
  }
  error_code ec;
  const auto address = net::ip::make_address(address_, ec);
  if (ec) return "invalid listen address '" + address_ + "'";
  if (tls_.enabled()) {
    auto made = make_server_tls_context(tls_);
    if (!made.context) return made.error;
    state_->tls = std::move(made.context);
  }
  std::string error = open_listener(*state_, {address, port_requested_},
                                    address_, tls_.enabled(), port_bound_);
  if (error.empty() && plain_listener_) {
    error = open_listener(*state_, {address, plain_port_requested_}, address_,
                          false, plain_port_bound_);
  }
  if (!error.empty()) {
    state_->listeners.clear();
    port_bound_ = plain_port_bound_ = 0;
    return error;
  }
  for (const auto& listener : state_->listeners) {
    do_accept(state_, listener.get());
  }

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

std::uint16_t server::plain_port() const { return plain_port_bound_; }

bool server::is_tls() const { return tls_.enabled(); }

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
  for (const auto& listener : state_->listeners) {
    net::post(listener->acceptor.get_executor(),
              [st = state_, l = listener.get()] {
                error_code ignored;
                l->acceptor.close(ignored);
              });
  }
  close_all_sessions(*state_);
  keep_running.reset();
  // With the listeners and every socket closed the io_context runs out of
  // work and each thread returns on its own.
  for (auto& t : state_->threads) t.join();
  state_->threads.clear();
}

server_counters server::counters() const {
  server_counters c;
  c.connections_open = state_->connections_open.load();
  c.connections_accepted_total = state_->connections_accepted_total.load();
  c.connections_refused_total = state_->connections_refused_total.load();
  c.header_timeouts_total = state_->header_timeouts_total.load();
  c.tls_handshake_failures_total = state_->tls_handshake_failures_total.load();
  return c;
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
