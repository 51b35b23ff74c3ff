// pay::http::server's guarantees, tested in-process over loopback. Lives in
// pspsim_tests because this binary already links pay_http and needs no
// database or actor system.
#include "http/server.hpp"

#include <poll.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/json.hpp>

#include "http/sync_client.hpp"

namespace pay::http {
namespace {

using namespace std::chrono_literals;

// Responders parked by a handler, answered later from the test thread.
struct parked_responders {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<responder> waiting;

  void park(responder r) {
    std::lock_guard lock(mutex);
    waiting.push_back(std::move(r));
    changed.notify_all();
  }
  responder take_one() {
    std::unique_lock lock(mutex);
    changed.wait_for(lock, 5s, [&] { return !waiting.empty(); });
    if (waiting.empty()) return {};
    responder r = std::move(waiting.back());
    waiting.pop_back();
    return r;
  }
};

std::string error_code_of(const response& res) {
  const auto body = boost::json::parse(res.body());
  return std::string(body.at("error").at("code").as_string());
}

TEST(http_server, handler_exception_becomes_a_500_without_internals) {
  server s("127.0.0.1", 0, [](request&&, responder) {
    throw std::runtime_error("secret database password in message");
  });
  ASSERT_EQ(s.start(), "");
  sync_client client("127.0.0.1", s.port());
  const auto r = client.get("/");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.res.result_int(), 500u);
  EXPECT_EQ(error_code_of(r.res), "internal_error");
  EXPECT_EQ(r.res.body().find("secret"), std::string::npos);
  // The server survived and the connection is still usable.
  EXPECT_EQ(client.get("/").res.result_int(), 500u);
}

TEST(http_server, a_dropped_responder_answers_500_instead_of_hanging) {
  server s("127.0.0.1", 0, [](request&&, responder) {});
  ASSERT_EQ(s.start(), "");
  sync_client client("127.0.0.1", s.port(), 2'000);
  const auto r = client.get("/");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.res.result_int(), 500u);
}

TEST(http_server, a_later_answer_from_another_thread_is_delivered_once) {
  parked_responders parked;
  server s("127.0.0.1", 0,
           [&](request&&, responder reply) { parked.park(std::move(reply)); });
  ASSERT_EQ(s.start(), "");
  std::thread answerer([&] {
    responder reply = parked.take_one();
    ASSERT_TRUE(reply);
    std::this_thread::sleep_for(50ms);
    response res{boost::beast::http::status::accepted, 11};
    res.body() = "first";
    reply(res);
    res.body() = "second";
    reply(res);  // ignored: exactly one answer per request
  });
  sync_client client("127.0.0.1", s.port());
  const auto r = client.get("/");
  answerer.join();
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.res.result_int(), 202u);
  EXPECT_EQ(r.res.body(), "first");
  EXPECT_EQ(r.res[boost::beast::http::field::content_length], "5");
}

TEST(http_server, keep_alive_carries_several_requests_on_one_connection) {
  std::atomic<int> requests{0};
  server s("127.0.0.1", 0, [&](request&& req, responder reply) {
    ++requests;
    reply(make_json_response(req, 200, "{}"));
  });
  ASSERT_EQ(s.start(), "");
  sync_client client("127.0.0.1", s.port());
  for (int i = 0; i < 20; ++i) {
    const auto r = client.get("/");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_TRUE(r.res.keep_alive());
  }
  EXPECT_EQ(requests.load(), 20);
}

TEST(http_server, second_server_on_a_used_port_reports_it_clearly) {
  server first("127.0.0.1", 0, [](request&&, responder) {});
  ASSERT_EQ(first.start(), "");
  server second("127.0.0.1", first.port(), [](request&&, responder) {});
  EXPECT_EQ(second.start(), "port " + std::to_string(first.port())
                              + " already in use on 127.0.0.1");
}

TEST(http_server, invalid_address_is_reported_not_thrown) {
  server s("not-an-address", 0, [](request&&, responder) {});
  EXPECT_NE(s.start(), "");
}

TEST(http_server,
     stop_with_an_answer_pending_is_prompt_and_the_late_answer_harmless) {
  parked_responders parked;
  auto s = std::make_unique<server>("127.0.0.1", 0,
                                    [&](request&&, responder reply) {
                                      parked.park(std::move(reply));
                                    });
  ASSERT_EQ(s->start(), "");
  std::thread client_thread([port = s->port()] {
    sync_client client("127.0.0.1", port, 5'000);
    const auto start = std::chrono::steady_clock::now();
    EXPECT_FALSE(client.get("/").ok);  // closed by stop(), never answered
    // Closed by stop(), not abandoned until the client's own timeout.
    EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  });
  responder late = parked.take_one();
  ASSERT_TRUE(late);
  const auto start = std::chrono::steady_clock::now();
  s->stop();
  s->stop();  // idempotent
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
  client_thread.join();
  s.reset();  // the server is gone; its connection may still be referenced
  late(response{boost::beast::http::status::ok, 11});
  late = nullptr;  // releases the connection after the server
}

TEST(http_server, oversized_body_is_413_body_too_large) {
  server_limits limits;
  limits.body_bytes_max = 100;
  server s(
    "127.0.0.1", 0,
    [](request&& req, responder reply) {
      reply(make_json_response(req, 200, "{}"));
    },
    limits);
  ASSERT_EQ(s.start(), "");
  sync_client client("127.0.0.1", s.port());
  EXPECT_EQ(
    client.post("/", std::string(100, 'x'), "text/plain").res.result_int(),
    200u);
  const auto r = client.post("/", std::string(101, 'x'), "text/plain");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.res.result_int(), 413u);
  EXPECT_EQ(error_code_of(r.res), "body_too_large");
  EXPECT_FALSE(r.res.keep_alive());
}

TEST(http_server, idle_connection_is_closed_after_the_read_timeout) {
  server_limits limits;
  limits.read_timeout_ms = 100;
  server s(
    "127.0.0.1", 0, [](request&&, responder) {}, limits);
  ASSERT_EQ(s.start(), "");
  namespace net = boost::asio;
  net::io_context ioc;
  net::ip::tcp::socket socket(ioc);
  socket.connect({net::ip::make_address("127.0.0.1"), s.port()});
  const auto start = std::chrono::steady_clock::now();
  // Wait (at most 2 s) for the server to close the silent connection.
  pollfd p{socket.native_handle(), POLLIN, 0};
  ASSERT_EQ(poll(&p, 1, 2'000), 1) << "server kept the idle connection open";
  char byte = 0;
  boost::system::error_code ec;
  EXPECT_EQ(socket.read_some(net::buffer(&byte, 1), ec), 0u);
  EXPECT_EQ(ec, net::error::eof);
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, 90ms);
  EXPECT_LT(waited, 1'000ms);
}

TEST(http_server, connection_reset_answers_nothing_and_resets_the_connection) {
  parked_responders parked;
  server s("127.0.0.1", 0, [&](request&& req, responder reply) {
    if (req.target() == "/reset") return parked.park(std::move(reply));
    reply(make_json_response(req, 200, "{}"));
  });
  ASSERT_EQ(s.start(), "");
  namespace net = boost::asio;
  net::io_context ioc;
  net::ip::tcp::socket socket(ioc);
  socket.connect({net::ip::make_address("127.0.0.1"), s.port()});
  const std::string request_bytes = "GET /reset HTTP/1.1\r\nHost: x\r\n\r\n";
  net::write(socket, net::buffer(request_bytes));
  // Answered later from another thread, like any delayed answer.
  responder reply = parked.take_one();
  ASSERT_TRUE(reply);
  reply(connection_reset());
  std::string answer;
  boost::system::error_code ec;
  net::read(socket, net::dynamic_buffer(answer), ec);  // until reset or EOF
  EXPECT_EQ(answer, "");
  EXPECT_EQ(ec, net::error::connection_reset) << ec.message();
  // Only that connection is gone; the server answers others.
  sync_client client("127.0.0.1", s.port());
  EXPECT_EQ(client.get("/").res.result_int(), 200u);
}

TEST(http_server, only_connection_reset_is_recognised_as_one) {
  EXPECT_TRUE(is_connection_reset(connection_reset()));
  request req{boost::beast::http::verb::get, "/", 11};
  EXPECT_FALSE(is_connection_reset(make_json_response(req, 500, "{}")));
  EXPECT_FALSE(is_connection_reset(response{}));
}

TEST(http_server, error_body_escapes_and_nulls_an_empty_param) {
  const auto body = boost::json::parse(
    error_body("invalid_request_error", "x", "say \"hi\"\n"));
  EXPECT_EQ(body.at("error").at("message"), "say \"hi\"\n");
  EXPECT_TRUE(body.at("error").at("param").is_null());
  const auto with_param = boost::json::parse(
    error_body("t", "c", "m", "amount"));
  EXPECT_EQ(with_param.at("error").at("param"), "amount");
}

TEST(http_server, json_response_follows_the_request_keep_alive_and_version) {
  request req{boost::beast::http::verb::get, "/", 10};
  const auto res = make_json_response(req, 201, "{}");
  EXPECT_EQ(res.version(), 10u);
  EXPECT_FALSE(res.keep_alive());
  EXPECT_EQ(res[boost::beast::http::field::content_type], "application/json");
  EXPECT_EQ(res[boost::beast::http::field::content_length], "2");
}

}  // namespace
}  // namespace pay::http
