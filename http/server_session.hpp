// One accepted client connection of http::server, plain or TLS (the same
// code for both: byte_stream). A served connection moves through
//
//   [TLS handshake] --> idle --first byte--> header --> [100 Continue] -->
//     body --> handler ... answer written --> idle (keep-alive) or closed
//
// under one deadline per phase: the handshake and the header get
// header_timeout_ms (from accept, from the request's first byte), idle and
// the body read_timeout_ms, the answer write_timeout_ms; the handler has
// none. A header the edge refuses (request_header_checks, Beast's own
// errors, sizes) is answered at once and the connection closed after a
// bounded drain. A refused connection (over connections_max) is answered
// 503 without reading a request.
#pragma once

#include <cstdint>
#include <memory>

#include <boost/asio/ip/tcp.hpp>

#include "http/server_state.hpp"

namespace pay::http {

enum class session_role : std::uint8_t {
  serve = 0,
  refuse = 1,  // over connections_max: 503 too_many_connections, closed
};

// Takes over `socket` (its slot in connections_open or refusals_in_flight
// already reserved by the caller) and runs it until it closes.
void start_session(const std::shared_ptr<server::state>& st,
                   boost::asio::ip::tcp::socket socket, bool tls,
                   session_role role);

// Any thread: aborts what every open connection is doing (server::stop).
void close_all_sessions(server::state& st);

}  // namespace pay::http
