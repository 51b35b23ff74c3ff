// The edge of pay::http::server under abusive or broken clients: each limit
// of server_limits, request smuggling, the header deadline (slowloris) and
// the connection cap, against a real server on 127.0.0.1 through raw
// sockets, so every byte on the wire is the test's choice.
#include "http/server.hpp"

#include <poll.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/json.hpp>

#include "http/request_header_checks.hpp"
#include "http/sync_client.hpp"

namespace pay::http {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using steady = std::chrono::steady_clock;
using std::chrono::milliseconds;
using namespace std::chrono_literals;

// Bounds how long a broken test waits, not how fast a passing one runs.
constexpr milliseconds wait_max{5'000};

// A server on 127.0.0.1:0 that answers 200 and records what it served.
class recording_server {
 public:
  explicit recording_server(server_limits limits = {})
      : server_(
        "127.0.0.1", 0,
        [this](request&& req, responder reply) {
          {
            std::lock_guard lock(mutex_);
            targets_.emplace_back(req.target());
          }
          reply(make_json_response(req, 200, "{}"));
        },
        limits) {
    const std::string error = server_.start();
    EXPECT_EQ(error, "");
  }

  std::uint16_t port() const { return server_.port(); }
  server_counters counters() const { return server_.counters(); }
  std::vector<std::string> targets() {
    std::lock_guard lock(mutex_);
    return targets_;
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> targets_;
  server server_;  // last: stopped before what its handler uses goes
};

// One client connection driven byte by byte.
class raw_connection {
 public:
  explicit raw_connection(std::uint16_t port) : socket_(ioc_) {
    socket_.connect({net::ip::make_address("127.0.0.1"), port});
  }

  // False when the server already closed or reset the connection.
  bool send(std::string_view bytes) {
    boost::system::error_code ec;
    net::write(socket_, net::buffer(bytes.data(), bytes.size()), ec);
    return !ec;
  }

  // Everything that arrives until the server closes the connection or
  // `wait` passes; closed() tells which.
  std::string read_until_close(milliseconds wait = wait_max) {
    return read_until({}, wait);
  }

  // Reads until `text` has arrived (until the close when it is empty), or the
  // connection closed, or `wait` passed.
  std::string read_until(std::string_view text, milliseconds wait = wait_max) {
    std::string received;
    const auto deadline = steady::now() + wait;
    while (!closed_
           && (text.empty() || received.find(text) == std::string::npos)) {
      const auto left = std::chrono::duration_cast<milliseconds>(
        deadline - steady::now());
      if (left <= 0ms) break;
      pollfd p{socket_.native_handle(), POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      char chunk[4096];
      boost::system::error_code ec;
      const std::size_t n = socket_.read_some(net::buffer(chunk), ec);
      received.append(chunk, n);
      if (ec) closed_ = true;  // EOF or reset
    }
    return received;
  }

  bool closed() const { return closed_; }
  void close() { socket_.close(); }

 private:
  net::io_context ioc_;
  tcp::socket socket_;
  bool closed_ = false;
};

std::string status_line(const std::string& answer) {
  return answer.substr(0, answer.find("\r\n"));
}

// Status lines in what arrived; no body these servers send contains one.
std::size_t responses_in(const std::string& answer) {
  std::size_t count = 0;
  for (std::size_t at = answer.find("HTTP/1.1 "); at != std::string::npos;
       at = answer.find("HTTP/1.1 ", at + 1)) {
    ++count;
  }
  return count;
}

std::string error_code_in(const std::string& answer) {
  const std::size_t body_at = answer.find("\r\n\r\n");
  if (body_at == std::string::npos) return {};
  boost::system::error_code ec;
  const auto body = boost::json::parse(answer.substr(body_at + 4), ec);
  if (ec || !body.is_object()) return {};
  return std::string(body.at("error").at("code").as_string());
}

// Polls `condition` until it holds or wait_max passes.
template <typename Condition>
bool eventually(Condition condition) {
  const auto deadline = steady::now() + wait_max;
  while (!condition()) {
    if (steady::now() > deadline) return false;
    std::this_thread::sleep_for(2ms);
  }
  return true;
}

// ---- sizes ---------------------------------------------------------------

TEST(http_server_edge, header_over_header_bytes_max_is_431_and_closed) {
  server_limits limits;
  limits.header_bytes_max = 1024;
  recording_server s(limits);
  raw_connection c(s.port());
  c.send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(2'000, 'a')
         + "\r\n\r\n");
  const std::string answer = c.read_until_close();
  EXPECT_EQ(status_line(answer),
            "HTTP/1.1 431 Request Header Fields Too Large");
  EXPECT_EQ(error_code_in(answer), "header_too_large");
  EXPECT_TRUE(c.closed());
  EXPECT_TRUE(s.targets().empty());
}

TEST(http_server_edge, more_fields_than_header_count_max_is_431) {
  server_limits limits;
  limits.header_count_max = 8;
  recording_server s(limits);
  std::string header = "GET / HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 7; ++i) header += "X-F" + std::to_string(i) + ": 1\r\n";
  raw_connection at_limit(s.port());
  at_limit.send(header + "Connection: close\r\n\r\n");  // 9 fields
  EXPECT_EQ(status_line(at_limit.read_until_close()),
            "HTTP/1.1 431 Request Header Fields Too Large");

  raw_connection under(s.port());
  under.send(header + "\r\n");  // 8 fields
  EXPECT_EQ(status_line(under.read_until("\r\n\r\n{}")), "HTTP/1.1 200 OK");
}

TEST(http_server_edge, request_line_over_its_limit_is_414) {
  server_limits limits;
  limits.request_line_bytes_max = 256;
  recording_server s(limits);
  raw_connection c(s.port());
  c.send("GET /" + std::string(300, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string answer = c.read_until_close();
  EXPECT_EQ(status_line(answer), "HTTP/1.1 414 URI Too Long");
  EXPECT_EQ(error_code_in(answer), "uri_too_long");
  EXPECT_TRUE(c.closed());
}

TEST(http_server_edge,
     request_line_longer_than_the_whole_header_limit_is_414_not_431) {
  server_limits limits;
  limits.request_line_bytes_max = 256;
  limits.header_bytes_max = 1024;
  recording_server s(limits);
  raw_connection c(s.port());
  c.send("GET /" + std::string(4'000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(status_line(c.read_until_close()), "HTTP/1.1 414 URI Too Long");
}

TEST(http_server_edge,
     declared_body_over_the_limit_is_413_before_the_body_is_sent) {
  server_limits limits;
  limits.body_bytes_max = 1024;
  recording_server s(limits);
  raw_connection c(s.port());
  const auto start = steady::now();
  // The header only: the answer must not wait for ten megabytes.
  c.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n");
  std::string answer = c.read_until("body_too_large");
  EXPECT_LT(steady::now() - start, 1s);
  answer += c.read_until_close();
  EXPECT_EQ(status_line(answer), "HTTP/1.1 413 Payload Too Large");
  EXPECT_EQ(error_code_in(answer), "body_too_large");
  EXPECT_TRUE(c.closed());
  EXPECT_TRUE(s.targets().empty());
}

// ---- framing: request smuggling ------------------------------------------

TEST(http_server_edge,
     content_length_with_transfer_encoding_is_400_and_closed) {
  recording_server s;
  // Beast refuses the first order itself; the second it accepts (a coding
  // that is not chunked leaves Content-Length in charge) and we refuse.
  for (const std::string framing :
       {"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
        "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n",
        "Transfer-Encoding: gzip\r\nContent-Length: 5\r\n"}) {
    raw_connection c(s.port());
    c.send("POST / HTTP/1.1\r\nHost: x\r\n" + framing
           + "\r\n0\r\n\r\nGET /second HTTP/1.1\r\nHost: x\r\n\r\n");
    const std::string answer = c.read_until_close();
    EXPECT_EQ(status_line(answer), "HTTP/1.1 400 Bad Request") << framing;
    EXPECT_EQ(responses_in(answer), 1u) << framing;
    EXPECT_TRUE(c.closed()) << framing;
  }
  EXPECT_TRUE(s.targets().empty());
}

// Regression: Beast reads a request whose Transfer-Encoding does not end in
// chunked (and has no Content-Length) as having no body, so its body used
// to be parsed, and served, as a second request.
TEST(
  http_server_edge,
  transfer_encoding_not_ending_in_chunked_is_400_and_its_body_is_never_served) {
  recording_server s;
  for (const std::string coding : {"gzip", "chunked, gzip", "identity"}) {
    raw_connection c(s.port());
    c.send("POST /first HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + coding
           + "\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n");
    const std::string answer = c.read_until_close();
    EXPECT_EQ(status_line(answer), "HTTP/1.1 400 Bad Request") << coding;
    EXPECT_EQ(error_code_in(answer), "bad_transfer_encoding") << coding;
    EXPECT_EQ(responses_in(answer), 1u) << coding;
    EXPECT_TRUE(c.closed()) << coding;
  }
  EXPECT_TRUE(s.targets().empty()) << "served: " << s.targets().front();
}

TEST(http_server_edge, a_chunked_body_is_still_read_as_the_body) {
  recording_server s;
  raw_connection c(s.port());
  c.send(
    "POST /one HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    "3\r\nabc\r\n0\r\n\r\nGET /two HTTP/1.1\r\nHost: x\r\n"
    "Connection: close\r\n\r\n");
  const std::string answer = c.read_until_close();
  EXPECT_EQ(responses_in(answer), 2u) << answer;
  EXPECT_EQ(s.targets(), (std::vector<std::string>{"/one", "/two"}));
}

TEST(http_server_edge, a_coding_before_chunked_is_501_not_implemented) {
  recording_server s;
  raw_connection c(s.port());
  c.send(
    "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n"
    "\r\n0\r\n\r\n");
  const std::string answer = c.read_until_close();
  EXPECT_EQ(status_line(answer), "HTTP/1.1 501 Not Implemented");
  EXPECT_TRUE(s.targets().empty());
}

TEST(http_server_edge, http11_request_without_exactly_one_host_is_400) {
  recording_server s;
  for (const std::string host_fields : {"", "Host: a\r\nHost: b\r\n"}) {
    raw_connection c(s.port());
    c.send("GET / HTTP/1.1\r\n" + host_fields + "\r\n");
    const std::string answer = c.read_until_close();
    EXPECT_EQ(status_line(answer), "HTTP/1.1 400 Bad Request") << host_fields;
    EXPECT_EQ(error_code_in(answer), "bad_host");
  }
  raw_connection http10(s.port());
  http10.send("GET /old HTTP/1.0\r\n\r\n");  // Host is optional in 1.0
  EXPECT_EQ(status_line(http10.read_until_close()), "HTTP/1.0 200 OK");
  EXPECT_EQ(s.targets(), std::vector<std::string>{"/old"});
}

// The rules without a socket, for the cases the wire tests above leave out.
TEST(http_request_header_checks,
     transfer_encoding_rules_cover_http10_and_a_doubled_chunked) {
  const server_limits limits;
  boost::beast::http::request_header<> header;
  header.method(boost::beast::http::verb::post);
  header.target("/");
  header.version(11);
  header.set(boost::beast::http::field::host, "x");
  header.set(boost::beast::http::field::transfer_encoding, "chunked");
  EXPECT_FALSE(check_request_header(header, limits).has_value());
  header.set(boost::beast::http::field::transfer_encoding, "chunked, ,chunked");
  EXPECT_EQ(check_request_header(header, limits)->code,
            "bad_transfer_encoding");
  header.set(boost::beast::http::field::transfer_encoding, " chunked ,");
  EXPECT_FALSE(check_request_header(header, limits).has_value());
  header.version(10);
  EXPECT_EQ(check_request_header(header, limits)->status, 400u);
}

TEST(http_request_header_checks,
     request_line_length_is_judged_up_to_its_line_end) {
  EXPECT_FALSE(request_line_too_long("GET /abc HTTP/1.1\r\nHost: x", 17));
  EXPECT_TRUE(request_line_too_long("GET /abcd HTTP/1.1\r\nHost: x", 17));
  // No line end yet: as long as what arrived, and still growing.
  EXPECT_TRUE(request_line_too_long("GET /" + std::string(20, 'a'), 17));
  EXPECT_FALSE(request_line_too_long("GET /a", 17));
}

// ---- what still works ----------------------------------------------------

TEST(http_server_edge,
     the_handler_sees_the_peer_address_and_no_client_can_forge_it) {
  std::mutex mutex;
  std::string seen;
  server s("127.0.0.1", 0, [&](request&& req, responder reply) {
    {
      std::lock_guard lock(mutex);
      seen = std::string(req[peer_address_field]);
    }
    reply(make_json_response(req, 200, "{}"));
  });
  ASSERT_EQ(s.start(), "");
  raw_connection c(s.port());
  c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(status_line(c.read_until("{}")), "HTTP/1.1 200 OK");
  {
    std::lock_guard lock(mutex);
    EXPECT_EQ(seen, "127.0.0.1");
  }
  raw_connection forger(s.port());
  forger.send(
    "GET / HTTP/1.1\r\nHost: x\r\npay peer address: 10.0.0.1\r\n\r\n");
  EXPECT_EQ(status_line(forger.read_until_close()), "HTTP/1.1 400 Bad Request");
}

TEST(http_server_edge,
     pipelined_requests_are_answered_in_order_on_one_connection) {
  recording_server s;
  raw_connection c(s.port());
  c.send(
    "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n"
    "Connection: close\r\n\r\n");
  EXPECT_EQ(responses_in(c.read_until_close()), 2u);
  EXPECT_EQ(s.targets(), (std::vector<std::string>{"/a", "/b"}));
}

TEST(http_server_edge, expect_100_continue_gets_continue_then_the_answer) {
  recording_server s;
  raw_connection c(s.port());
  c.send(
    "POST /c HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
    "Expect: 100-continue\r\n\r\n");
  EXPECT_EQ(status_line(c.read_until("\r\n\r\n")), "HTTP/1.1 100 Continue");
  c.send("abc");
  EXPECT_EQ(status_line(c.read_until("{}")), "HTTP/1.1 200 OK");
}

// ---- time: the header deadline -------------------------------------------

TEST(http_server_edge,
     header_dripping_past_header_timeout_is_closed_though_bytes_keep_coming) {
  server_limits limits;
  limits.header_timeout_ms = 300;
  limits.read_timeout_ms = 10'000;
  recording_server s(limits);
  raw_connection c(s.port());
  const std::string request = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  const auto start = steady::now();
  // A byte every 50 ms: each one would reset a per-read deadline.
  for (std::size_t i = 0;
       i < request.size() - 1 && c.send(request.substr(i, 1)); ++i) {
    std::this_thread::sleep_for(50ms);
    if (steady::now() - start > 2s) break;
  }
  c.read_until_close(2s);
  const auto waited = steady::now() - start;
  EXPECT_TRUE(c.closed());
  EXPECT_GE(waited, 280ms);
  EXPECT_LT(waited, 1'500ms);
  EXPECT_TRUE(s.targets().empty());
  // Counted just after the socket closes.
  EXPECT_TRUE(
    eventually([&] { return s.counters().header_timeouts_total == 1; }));
}

TEST(http_server_edge, idle_keep_alive_waits_read_timeout_not_header_timeout) {
  server_limits limits;
  limits.header_timeout_ms = 200;
  limits.read_timeout_ms = 5'000;
  recording_server s(limits);
  raw_connection c(s.port());
  c.send("GET /1 HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(status_line(c.read_until("{}")), "HTTP/1.1 200 OK");
  std::this_thread::sleep_for(600ms);  // idle, three header timeouts long
  ASSERT_TRUE(c.send("GET /2 HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(status_line(c.read_until("{}")), "HTTP/1.1 200 OK");
  EXPECT_EQ(s.counters().header_timeouts_total, 0u);
}

// Enough descriptors for both ends of `connections` loopback connections.
std::size_t raise_descriptor_limit(std::size_t connections) {
  constexpr rlim_t spare = 256;
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  const rlim_t wanted = static_cast<rlim_t>(2 * connections) + spare;
  if (limit.rlim_cur < wanted) {
    limit.rlim_cur = std::min(wanted, limit.rlim_max);
    setrlimit(RLIMIT_NOFILE, &limit);
    getrlimit(RLIMIT_NOFILE, &limit);
  }
  if (limit.rlim_cur >= wanted) return connections;
  return limit.rlim_cur > 2 * spare ? (limit.rlim_cur - spare) / 2 : 0;
}

TEST(http_server_edge, slowloris_clients_do_not_keep_a_fresh_client_waiting) {
  constexpr std::size_t slow_wanted = 1'000;
  const std::size_t slow_count = raise_descriptor_limit(slow_wanted);
  ASSERT_GE(slow_count, 100u) << "too few file descriptors for this test";
  server_limits limits;
  limits.header_timeout_ms = 2'000;
  limits.read_timeout_ms = 30'000;
  recording_server s(limits);

  std::vector<std::unique_ptr<raw_connection>> slow;
  slow.reserve(slow_count);
  for (std::size_t i = 0; i < slow_count; ++i) {
    slow.push_back(std::make_unique<raw_connection>(s.port()));
  }
  ASSERT_TRUE(
    eventually([&] { return s.counters().connections_open >= slow_count; }));

  const std::string request = "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n";
  const auto start = steady::now();
  std::vector<double> fresh_ms;
  // One header byte a second on every slow connection; between drips a
  // fresh client asks, while every slow one holds a half-sent header.
  for (std::size_t second = 0; steady::now() - start < 3'500ms; ++second) {
    for (auto& c : slow) c->send(request.substr(second, 1));
    if (second < 2) {
      std::this_thread::sleep_for(100ms);
      sync_client fresh("127.0.0.1", s.port(), 5'000);
      const auto asked = steady::now();
      const auto answer = fresh.get("/fresh");
      fresh_ms.push_back(
        std::chrono::duration<double, std::milli>(steady::now() - asked)
          .count());
      ASSERT_TRUE(answer.ok) << answer.error;
      EXPECT_EQ(answer.res.result_int(), 200u);
    }
    std::this_thread::sleep_until(start + std::chrono::seconds(second + 1));
  }
  std::size_t closed_by_server = 0;
  for (auto& c : slow) {
    c->read_until_close(100ms);
    if (c->closed()) ++closed_by_server;
  }
  std::cout << "[ slowloris ] " << slow_count
            << " connections dripping one header byte a second: a fresh client"
            << " was answered in " << fresh_ms.front() << " ms and "
            << fresh_ms.back() << " ms; " << closed_by_server
            << " slow connections closed by the " << limits.header_timeout_ms
            << " ms header timeout" << std::endl;
  EXPECT_EQ(closed_by_server, slow_count);
  EXPECT_TRUE(eventually(
    [&] { return s.counters().header_timeouts_total == slow_count; }));
  EXPECT_EQ(s.targets(), (std::vector<std::string>{"/fresh", "/fresh"}));
}

// ---- the connection cap --------------------------------------------------

TEST(http_server_edge,
     a_connection_over_connections_max_gets_503_and_is_closed) {
  server_limits limits;
  limits.connections_max = 2;
  recording_server s(limits);
  raw_connection first(s.port());
  raw_connection second(s.port());
  for (auto* c : {&first, &second}) {
    c->send("GET /kept HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_EQ(status_line(c->read_until("{}")), "HTTP/1.1 200 OK");
  }

  raw_connection third(s.port());
  const std::string refusal = third.read_until_close();
  EXPECT_EQ(status_line(refusal), "HTTP/1.1 503 Service Unavailable");
  EXPECT_EQ(error_code_in(refusal), "too_many_connections");
  EXPECT_NE(refusal.find("\"type\":\"api_error\""), std::string::npos);
  EXPECT_NE(refusal.find("Connection: close"), std::string::npos);
  EXPECT_TRUE(third.closed());
  EXPECT_EQ(s.counters().connections_refused_total, 1u);
  EXPECT_EQ(s.counters().connections_accepted_total, 2u);
  EXPECT_EQ(s.counters().connections_open, 2u);

  // A slot given back is usable again.
  first.close();
  ASSERT_TRUE(eventually([&] { return s.counters().connections_open == 1; }));
  raw_connection fourth(s.port());
  fourth.send("GET /after HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(status_line(fourth.read_until("{}")), "HTTP/1.1 200 OK");
}

}  // namespace
}  // namespace pay::http
