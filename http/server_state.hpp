// Internal to http/server*.cpp: what a server's listeners and connections
// share. Connections hold it by shared_ptr, so it outlives the server object
// for as long as a late answer still refers to a connection.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "http/server.hpp"

namespace pay::http {

class server_session;

struct server::state {
  state(handler h, server_limits l) : on_request(std::move(h)), limits(l) {}

  struct listener {
    boost::asio::ip::tcp::acceptor acceptor;  // used on its own strand only
    bool tls;
  };

  boost::asio::io_context ioc;
  const handler on_request;
  const server_limits limits;
  // Set by start() before the first connection when the server speaks TLS;
  // read-only afterwards.
  std::shared_ptr<boost::asio::ssl::context> tls;
  std::vector<std::unique_ptr<listener>> listeners;  // fixed after start()
  std::vector<std::thread> threads;
  std::atomic<bool> stopping{false};

  // Replies are posted to connections under a shared lock; stop() takes it
  // exclusively to shut the gate, after which late replies are dropped.
  std::shared_mutex reply_gate;
  bool replies_open = true;

  std::mutex sessions_mutex;
  std::uint64_t session_id_next = 0;
  std::unordered_map<std::uint64_t, std::weak_ptr<server_session>> sessions;

  // Served connections whose socket is open; reserved at accept.
  std::atomic<std::size_t> connections_open{0};
  // Refusals (503 too_many_connections) being written.
  std::atomic<std::size_t> refusals_in_flight{0};
  std::atomic<std::uint64_t> connections_accepted_total{0};
  std::atomic<std::uint64_t> connections_refused_total{0};
  std::atomic<std::uint64_t> header_timeouts_total{0};
  std::atomic<std::uint64_t> tls_handshake_failures_total{0};
};

// A JSON error response (error_body) of the given HTTP version.
response make_error_response(unsigned version, unsigned status,
                             std::string_view type, std::string_view code,
                             std::string_view message);

}  // namespace pay::http
